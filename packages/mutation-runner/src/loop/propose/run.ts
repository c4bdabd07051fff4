import { resolve } from 'node:path';
import { AosError, getLogger, usageError } from '@autopoietic/core/cli-kit';
import { exclusionContext, exclusionReason, proposalsInGenomeWarning, relativeInside } from '../../candidate/exclusions.js';
import { pendingDir } from '../../candidate/queue.js';
import { appliesWithP0Only, gitApplies, P0_HINT } from '../../pipeline/apply-failure.js';
import { gateContext, type GateFlags } from '../../pipeline/context.js';
import { buildProposal, parseCheckFlag } from './build.js';
import { QUEUE_CHANGE_WHY, sourceDiff, SUBMODULE_WHY, type DiffSource } from './diff-source.js';
import { mutationIdProblem, writeProposalDir } from './write.js';

/**
 * `mutation-runner propose`: turns a change into a pending proposal without touching the change
 * (docs/evolve.md). Needs autonomy mode mutate-draft: it drafts a mutation.
 */
export interface ProposeOptions extends Pick<GateFlags, 'root' | 'memoryDir' | 'etcDir' | 'cwd'> {
  goal: string;
  phase: string;
  from?: string | undefined;
  patch?: string | undefined;
  mutationId?: string | undefined;
  check?: string[] | undefined;
  inferChecks?: boolean | undefined;
  metadata?: string[] | undefined;
  outDir?: string | undefined;
}

export interface ProposeResult {
  mutation_id: string;
  proposal_path: string;
  patch_path: string;
  proposal_fingerprint: string;
  source: string;
  changed_paths: string[];
  expected_checks: string[];
  left_out: { path: string; why: string }[];
}

export async function propose(opts: ProposeOptions): Promise<ProposeResult> {
  if (opts.from !== undefined && opts.patch !== undefined) {
    throw usageError('flags-conflict', '--from and --patch name two different changes', 'Give one of them, or neither for the work tree against HEAD.');
  }
  for (const [flag, v] of [['--goal', opts.goal], ['--phase', opts.phase]] as const) {
    if (v.trim() === '') throw usageError('flag-blank', `${flag} must not be blank`, `Say ${flag === '--goal' ? 'what the change is for' : 'which phase it belongs to (e.g. P1-draft)'}.`);
  }
  const idProblem = opts.mutationId === undefined ? undefined : mutationIdProblem(opts.mutationId);
  if (idProblem) {
    throw usageError('mutation-id-invalid', `--mutation-id ${JSON.stringify(opts.mutationId)} ${idProblem}`, 'It names the proposal directory: start with a letter or digit, then letters, digits, ".", "_" or "-" (or leave it out to get a fresh mut-<time>-<hex>).');
  }
  const checks = (opts.check ?? []).map(parseCheckFlag);
  const metadata = parseMetadata(opts.metadata ?? []);
  const ctx = gateContext(opts, 'mutate-draft', 'propose');
  const source: DiffSource = opts.patch !== undefined ? { kind: 'file', path: opts.patch } : opts.from !== undefined ? { kind: 'range', range: opts.from } : { kind: 'work-tree' };
  const outDir = opts.outDir === undefined ? pendingDir(ctx.root) : resolve(ctx.cwd, opts.outDir);
  const inGenome = proposalsInGenomeWarning(ctx.root, outDir, '--out-dir');
  if (inGenome) getLogger().warn({ out_dir: outDir }, inGenome);
  const diff = await sourceDiff(source, ctx.root, ctx.cwd, untrackedFilter(ctx.root, ctx.memoryDir, outDir));
  if (diff.bytes.toString('utf8').trim() === '') throw emptyDiff(diff.leftOut);
  if (source.kind === 'file') await refuseP0Patch(ctx.root, resolve(ctx.cwd, source.path));
  const proposal = buildProposal(diff.bytes, {
    mutationId: opts.mutationId,
    goal: opts.goal,
    phase: opts.phase,
    checks,
    inferChecks: opts.inferChecks !== false,
    metadata: { proposed_from: diff.describe, ...metadata },
  });
  const written = writeProposalDir(outDir, proposal, diff.bytes, { cwd: ctx.cwd, protectedRules: ctx.policy.protectedRules });
  return {
    mutation_id: proposal.mutation_id,
    proposal_path: written.proposalPath,
    patch_path: written.patchPath,
    proposal_fingerprint: written.prepared.fingerprint,
    source: diff.describe,
    changed_paths: proposal.changed_paths,
    expected_checks: proposal.expected_checks.map((c) => c.name),
    left_out: diff.leftOut,
  };
}

/** Untracked files a work-tree proposal leaves out: what a candidate never contains, and earlier proposals. */
function untrackedFilter(root: string, memoryDir: string, outDir: string): (rel: string) => string | undefined {
  const ctx = exclusionContext(root, { memoryDir, files: [] });
  const proposals = relativeInside(root, outDir);
  return (rel) => {
    const why = exclusionReason(rel, ctx);
    if (why) return why;
    if (proposals !== undefined && (rel === proposals || rel.startsWith(`${proposals}/`))) return 'a proposal directory (propose never proposes proposals)';
    return undefined;
  };
}

/**
 * Nothing to propose; when a changed submodule or a tracked change to the proposal queue was left
 * out, say so, since "empty" alone contradicts what `git status` shows. (The tool's own untracked
 * files left out are not news.)
 */
function emptyDiff(leftOut: readonly { path: string; why: string }[]): AosError {
  const news = leftOut.filter((l) => l.why === SUBMODULE_WHY || l.why === QUEUE_CHANGE_WHY);
  const shown = news.slice(0, 5).map((l) => `${l.path} (${l.why})`);
  const more = news.length > shown.length ? `, and ${news.length - shown.length} more` : '';
  return new AosError('diff-empty', `the diff is empty: there is nothing to propose${shown.length ? `; left out: ${shown.join('; ')}${more}` : ''}`, {
    hint: 'Change the genome first (the work tree is compared with HEAD), or name a commit range with --from A..B or a diff with --patch FILE.',
  });
}

/**
 * A `--patch` whose paths only make sense with -p0 (plain `diff -u` from the root): verify's git
 * apply would miss every file. A git diff whose change is already in the work tree (it applies in
 * reverse) is not one, although it "applies" with -p0 too (a new file as b/<file>).
 */
async function refuseP0Patch(root: string, patchFile: string): Promise<void> {
  if ((await gitApplies(root, patchFile, [])) || (await gitApplies(root, patchFile, ['--reverse'])) || !(await appliesWithP0Only(root, patchFile))) return;
  throw new AosError('proposal-refused', `verify would reject this diff: ${P0_HINT}`, { hint: 'Nothing was written. Make the diff again as said, and run propose again.' });
}

/** `key=value` items; the value may contain `=`; a later key wins. */
export function parseMetadata(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw usageError('metadata-invalid', `--metadata ${JSON.stringify(item)}: metadata must be key=value`, 'Write it like --metadata ticket=OPS-12.');
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}
