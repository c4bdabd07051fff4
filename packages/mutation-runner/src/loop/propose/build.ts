import { newId } from '@autopoietic/core/canonical';
import { AosError } from '@autopoietic/core/cli-kit';
import { SCHEMA_VERSION, type ExpectedCheck, type MutationProposal } from '@autopoietic/core/schemas';
import { parseUnifiedPatch } from '../../patch/parse.js';
import { touchedPaths } from '../../patch/rules.js';

/**
 * A proposal for a diff (pure): `changed_paths` are the paths the diff itself touches (both
 * sides of every file section), and every `.nix` file the diff leaves in place gets a
 * `nix-instantiate --parse` check, so a syntax error fails P1 by name before the flake check.
 */
export interface ProposalFields {
  mutationId?: string | undefined;
  goal: string;
  phase: string;
  /** Checks given with flags, appended after the inferred ones. */
  checks: ExpectedCheck[];
  inferChecks: boolean;
  metadata: Record<string, string>;
}

export const PATCH_FILE = 'patch.diff';

export function buildProposal(patch: Buffer, fields: ProposalFields): MutationProposal {
  const text = patch.toString('utf8');
  if (text.trim() === '') {
    throw new AosError('diff-empty', 'the diff is empty: there is nothing to propose', {
      hint: 'Change the genome first (the work tree is compared with HEAD), or name a commit range with --from A..B or a diff with --patch FILE.',
    });
  }
  const parsed = parseUnifiedPatch(text, patch);
  if (!parsed.ok) {
    throw new AosError('proposal-refused', `verify would reject this diff: ${parsed.reason}`, { hint: 'Make the diff with git diff --binary (the default of propose).' });
  }
  const changed = [...new Set(parsed.files.flatMap(touchedPaths))];
  const inferred: ExpectedCheck[] = fields.inferChecks
    ? parsed.files
        .map((f) => f.newPath)
        .filter((p): p is string => p?.endsWith('.nix') === true)
        .map((p) => ({ name: `nix-parse:${p}`, command: 'nix-instantiate', args: ['--parse', p] }))
    : [];
  const names = new Set(fields.checks.map((c) => c.name));
  const proposal: MutationProposal = {
    schema_version: SCHEMA_VERSION,
    mutation_id: fields.mutationId ?? newId('mut'),
    goal: fields.goal,
    phase: fields.phase,
    changed_paths: changed,
    expected_checks: [...inferred.filter((c) => !names.has(c.name)), ...fields.checks],
    patch_path: PATCH_FILE,
  };
  if (Object.keys(fields.metadata).length > 0) proposal.metadata = fields.metadata;
  return proposal;
}

/**
 * `--check 'NAME=COMMAND ARG...'`: split on whitespace, no shell. The allowlist (the same one
 * verify uses) decides later whether the command is acceptable.
 */
export function parseCheckFlag(value: string): ExpectedCheck {
  const eq = value.indexOf('=');
  const name = eq > 0 ? value.slice(0, eq).trim() : '';
  const argv = eq > 0 ? value.slice(eq + 1).trim().split(/\s+/).filter((a) => a !== '') : [];
  if (name === '' || argv.length === 0) {
    throw new AosError('check-invalid', `--check ${JSON.stringify(value)} is not NAME=COMMAND [ARG...]`, {
      exit: 2,
      hint: "Write it like --check 'host-file=test -f hosts/seed/configuration.nix'.",
    });
  }
  const [command, ...args] = argv as [string, ...string[]];
  return args.length ? { name, command, args } : { name, command };
}
