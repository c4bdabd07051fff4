import { byCodeUnit, Framer, type Sha256Digest } from '@autopoietic/core/canonical';
import type { MutationProposal } from '@autopoietic/core/schemas';

/**
 * Proposal fingerprint, scheme v2 (docs/verify.md): every field length-framed with core's
 * Framer, lists with their item count, absent values as null, so no two different proposals
 * share a byte stream. The patch is hashed as the exact bytes read (inline text as UTF-8).
 * `patch_path` is part of it, so moving the patch file is a different proposal version.
 * Fields, in order: schema_version, mutation_id, goal, phase, changed_paths, expected_checks
 * (name, command, args, timeout), patch_path, patch bytes, side_effects (type, target,
 * reversible, compensation, risk), metadata (sorted by key).
 */
export const PROPOSAL_FINGERPRINT_DOMAIN = 'autopoietic-proposal-v2';

export function proposalFingerprint(p: MutationProposal, patch: Uint8Array): Sha256Digest {
  const f = new Framer(PROPOSAL_FINGERPRINT_DOMAIN);
  f.str(p.schema_version).str(p.mutation_id).str(p.goal).str(p.phase);
  f.strings(p.changed_paths);
  f.list(p.expected_checks, (fr, c) => {
    fr.str(c.name).str(c.command).strings(c.args ?? []);
    fr.nullable(c.timeout_seconds === undefined ? null : String(c.timeout_seconds));
  });
  f.nullable(p.patch_path ?? null);
  f.bytes(patch);
  f.list(p.side_effects ?? [], (fr, s) => {
    fr.str(s.type).str(s.target).str(s.reversible ? 'true' : 'false').str(s.compensation).str(s.risk);
  });
  const meta = Object.entries(p.metadata ?? {}).sort(([a], [b]) => byCodeUnit(a, b));
  f.list(meta, (fr, [k, v]) => fr.str(k).str(v));
  return f.digest();
}
