import type { ExpectedCheck, MutationProposal } from '@autopoietic/core/schemas';
import { unavailable } from '@autopoietic/core/canonical';
import { classifyCheck, type AllowedShape } from '../checks/allowlist.js';
import { DEFAULT_CHECK_NAME } from '../checks/plan.js';
import { parseUnifiedPatch, type PatchFile } from '../patch/parse.js';
import { protectedMatcher, type ProtectedRule } from '../patch/protected.js';
import { patchProblem } from '../patch/rules.js';
import { proposalFingerprint } from '../proposal/fingerprint.js';
import { readProposal, type ProposalIdentity } from '../proposal/read.js';
import { resolvePatchSource } from '../proposal/patch-source.js';
import { proposalProblem } from '../proposal/validate.js';

/**
 * Everything about a proposal that can be decided without a candidate, in the reference's order:
 * read and parse, resolve the patch source, validate the proposal and the patch, compute the
 * proposal fingerprint, and validate EVERY expected check against the allowlist. Shared by
 * verify (P1) and promote (P2), and pure apart from reading the two files.
 */
export interface PreparedProposal {
  ok: true;
  path: string;
  bytes: Buffer;
  proposal: MutationProposal;
  patch: { text: string; bytes: Buffer; path: string | undefined };
  files: PatchFile[];
  fingerprint: string;
  checks: { check: ExpectedCheck; shape: AllowedShape }[];
}

export interface RefusedProposal {
  ok: false;
  status: 'error' | 'rejected';
  reason: string;
  path: string;
  identity: ProposalIdentity;
  fingerprint: string;
  proposal?: MutationProposal;
  /** The patch file, when one was named (sidecar guard input). */
  patchPath?: string;
}

export type Prepared = PreparedProposal | RefusedProposal;

const RESERVED = new Set(['apply-patch', DEFAULT_CHECK_NAME]);

export function prepareProposal(file: string, opts: { cwd: string; protectedRules: readonly ProtectedRule[] }): Prepared {
  const read = readProposal(file, opts.cwd);
  if (!read.ok) {
    const sentinel = read.status === 'error' ? 'proposal-unreadable' : 'proposal-invalid';
    return { ok: false, status: read.status, reason: read.reason, path: read.path, identity: read.identity, fingerprint: unavailable(sentinel) };
  }
  const p = read.proposal;
  const identity = { mutation_id: p.mutation_id, goal: p.goal, phase: p.phase };
  const source = resolvePatchSource(p, read.dir);
  const patchPath = p.patch_path !== undefined ? `${read.dir}/${p.patch_path}` : undefined;
  const base = { ok: false as const, path: read.path, identity, proposal: p, ...(patchPath ? { patchPath } : {}) };
  if (!source.ok) {
    const fingerprint = unavailable(source.status === 'error' ? 'patch-input-error' : 'patch-input-rejected');
    return { ...base, status: source.status, reason: source.reason, fingerprint };
  }
  const fingerprint = proposalFingerprint(p, source.bytes);
  const reject = (reason: string): RefusedProposal => ({ ...base, status: 'rejected', reason, fingerprint });
  const problem = proposalProblem(p);
  if (problem) return reject(problem);
  const parsed = parseUnifiedPatch(source.text, source.bytes);
  if (!parsed.ok) return reject(parsed.reason);
  const pathProblem = patchProblem(parsed.files, {
    changedPaths: p.changed_paths,
    sideEffects: p.side_effects ?? [],
    isProtected: protectedMatcher(opts.protectedRules),
  });
  if (pathProblem) return reject(pathProblem);
  const checks: PreparedProposal['checks'] = [];
  const names = new Set<string>();
  for (const check of p.expected_checks) {
    if (RESERVED.has(check.name) || check.name.startsWith('operator:') || check.name.startsWith('vm-check:') || names.has(check.name)) {
      return reject(`expected check name ${JSON.stringify(check.name)} is ${names.has(check.name) ? 'used twice' : 'reserved for built-in checks'}; give each check a unique name`);
    }
    names.add(check.name);
    const verdict = classifyCheck(check);
    if (!verdict.ok) return reject(verdict.reason);
    checks.push({ check, shape: verdict.shape });
  }
  return { ok: true, path: read.path, bytes: read.bytes, proposal: p, patch: { text: source.text, bytes: source.bytes, path: source.path }, files: parsed.files, fingerprint, checks };
}
