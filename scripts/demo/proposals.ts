import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { UsageError } from './options.js';

export type Outcome = 'verified' | 'rejected' | 'error';

export interface ProposalInfo {
  /** proposal.json to pass to verify: inside the scratch genome when it came from the genome. */
  path: string;
  /** mutation_id, or the file name when the proposal cannot be read (verify journals that as error). */
  label: string;
  mutationId: string | undefined;
  /** `metadata.expected_outcome`, default verified. */
  expected: Outcome;
  /** `metadata.changed_organs` (comma-separated), passed to promote as --changed-organ. */
  changedOrgans: string[];
}

/**
 * The proposals to run: the user's (`--proposal`, mapped into the scratch copy when they live in
 * the genome, used in place otherwise; verify only reads them), or every
 * `mutations/pending/<id>/proposal.json` of the genome copy. Expected-verified ones come first,
 * so that the one to promote is verified before the rejections are shown.
 */
export function findProposals(userPaths: string[], genomeSource: string, genomeCopy: string): ProposalInfo[] {
  let paths: string[];
  if (userPaths.length > 0) {
    paths = userPaths.map((p) => {
      const rel = relative(genomeSource, p);
      const inside = !rel.startsWith('..') && !rel.startsWith('/');
      return inside && existsSync(join(genomeCopy, rel)) ? join(genomeCopy, rel) : p;
    });
  } else {
    const pending = join(genomeCopy, 'mutations', 'pending');
    paths = existsSync(pending)
      ? readdirSync(pending, { withFileTypes: true })
          .filter((d) => d.isDirectory() && existsSync(join(pending, d.name, 'proposal.json')))
          .map((d) => join(pending, d.name, 'proposal.json'))
      : [];
    if (paths.length === 0) {
      throw new UsageError(`no proposals: ${pending}/<id>/proposal.json does not exist; pass --proposal PATH`);
    }
  }
  const rank: Record<Outcome, number> = { verified: 0, rejected: 1, error: 2 };
  return paths.map(describe).sort((a, b) => rank[a.expected] - rank[b.expected] || a.label.localeCompare(b.label));
}

function describe(path: string): ProposalInfo {
  let json: { mutation_id?: unknown; metadata?: Record<string, unknown> } = {};
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    // Unreadable or not JSON: still run it, verify must journal it as an error.
  }
  const meta = json.metadata ?? {};
  const expected = meta.expected_outcome;
  const organs = typeof meta.changed_organs === 'string' ? meta.changed_organs : '';
  const id = typeof json.mutation_id === 'string' ? json.mutation_id : undefined;
  return {
    path,
    label: id ?? `${basename(dirname(path))}/${basename(path)}`,
    mutationId: id,
    expected: expected === 'rejected' || expected === 'error' ? expected : 'verified',
    changedOrgans: organs.split(',').map((o) => o.trim()).filter(Boolean),
  };
}

/** A file-name-safe form of a label, for evidence bundle names. */
export function slug(label: string): string {
  return label.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'proposal';
}
