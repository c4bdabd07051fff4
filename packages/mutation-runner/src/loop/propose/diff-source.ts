import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { captureCommand, describeOutcome, gitEnv, gitWorkingSetIfAny, gitWorkTree, makeOwnedScratchDir, MAX_DOCUMENT_FILE_BYTES, readBoundedFile, succeeded, tmpdirHint } from '@autopoietic/core/adapters';
import { AosError, usageError } from '@autopoietic/core/cli-kit';
import { refuseNotCheckedOut } from '../../candidate/fileset.js';
import { inQueue, QUEUE_DIR } from '../../candidate/queue.js';

/**
 * Where a proposal's diff comes from, without changing anything in the genome:
 *  - the work tree against HEAD: tracked changes AND untracked files that are not ignored, made
 *    in a throwaway index (`read-tree HEAD`, `add --intent-to-add`) with a throwaway object
 *    directory, so the live index, the work tree and the object database are left exactly as they were. Untracked files the caller
 *    filters out (memory ledgers and logs, earlier proposals) are listed, not proposed;
 *  - `--from A..B`: the diff between two commits;
 *  - `--patch FILE`: a diff made elsewhere, taken byte for byte.
 * Git's own diff is always `--binary`, and the user's diff configuration (external drivers,
 * textconv, colour, prefixes, rename detection) is switched off so the bytes are a plain patch.
 * It is `--relative` to the genome root (git runs there): a genome that is a subdirectory of a
 * bigger repository gets paths relative to itself, as verify applies them, and nothing from
 * outside it (`--no-relative` proposed `os/hosts/...` and the repository's other files).
 * Changes to the proposal queue (`mutations/`, tracked or not) are never proposed: a patch may
 * not touch it (docs/adr/0018-the-proposal-queue-is-not-the-genome.md), so they are listed as
 * left out, and a commit or work tree that also filed or deleted a proposal can still be proposed.
 */
export type DiffSource = { kind: 'work-tree' } | { kind: 'range'; range: string } | { kind: 'file'; path: string };

export interface SourcedDiff {
  bytes: Buffer;
  /** How it was made, for the proposal's metadata. */
  describe: string;
  /** Untracked files of the work tree that were not proposed, and why. */
  leftOut: { path: string; why: string }[];
}

/** Why an untracked file is not part of a work-tree proposal (ledgers, logs, earlier proposals), or undefined. */
export type UntrackedFilter = (rel: string) => string | undefined;

const PLAIN_DIFF = ['--binary', '--no-ext-diff', '--no-textconv', '--no-color', '--no-renames', '--relative', '--src-prefix=a/', '--dst-prefix=b/', '--ignore-submodules=all'];
export const SUBMODULE_WHY = 'a submodule: no candidate carries submodules (docs/verify.md), so a change in one cannot be verified; change the genome itself';
const RANGE = /^[^-\s][^\s]*?\.\.\.?[^\s]+$/;

export async function sourceDiff(source: DiffSource, root: string, cwd: string, skip: UntrackedFilter = () => undefined): Promise<SourcedDiff> {
  if (source.kind === 'file') return { bytes: readPatchFile(resolve(cwd, source.path)), describe: `patch file ${source.path}`, leftOut: [] };
  const wt = await gitWorkTree(root);
  if (!wt) {
    throw usageError('not-a-git-genome', `${root} is not a git work tree: there is no HEAD to diff against`, 'Use --patch FILE with a diff made elsewhere, or put the genome under git.');
  }
  if (source.kind === 'range') {
    if (!RANGE.test(source.range)) throw usageError('range-invalid', `--from ${JSON.stringify(source.range)} is not a commit range A..B`, 'Write it like --from main..my-branch or --from HEAD~1..HEAD.');
    await requireCommits(root, source.range);
    // `--` after the range: a side that is also a file name is still read as a revision.
    const revs = ['--end-of-options', source.range, '--'];
    return { bytes: await git(root, ['diff', ...PLAIN_DIFF, ...revs, ...GENOME_ONLY]), describe: `git diff ${source.range}`, leftOut: await changesLeftOut(root, revs) };
  }
  if (!wt.head) throw usageError('no-head', `${root} has no commit yet: there is no HEAD to diff against`, 'Commit the genome first, or use --patch FILE.');
  await refuseSparseGaps(root);
  // Owned, so that one left by a run killed mid-diff is removed by a later one.
  const scratch = makeOwnedScratchDir('autopoietic-propose-', INDEX_PURPOSE);
  try {
    // A private index, and a private object directory that borrows the live one (git writes the
    // empty blob for intent-to-add entries): the live .git is not written at all.
    const index = { file: join(scratch, 'index'), objects: join(scratch, 'objects'), live: wt.objectsDir };
    mkdirSync(index.objects);
    await git(root, ['read-tree', wt.head], index);
    const untracked = utf8Names(await git(root, ['ls-files', '-z', '--others', '--exclude-standard']));
    const why = (u: { path: string; utf8: boolean }) => (u.utf8 ? skip(u.path) : NOT_UTF8_WHY);
    const leftOut = untracked.flatMap((u) => {
      const w = why(u);
      return w === undefined ? [] : [{ path: u.path, why: w }];
    });
    const kept = untracked.filter((u) => why(u) === undefined).map((u) => u.path);
    // Literal pathspecs through stdin: file names with glob characters or leading dashes stay names.
    if (kept.length) await git(root, ['--literal-pathspecs', 'add', '--intent-to-add', '--pathspec-from-file=-', '--pathspec-file-nul'], index, kept.join('\0'));
    const tracked = await changesLeftOut(root, [wt.head], index);
    const bytes = await git(root, ['diff', ...PLAIN_DIFF, wt.head, '--', ...GENOME_ONLY], index);
    return { bytes, describe: `work tree against HEAD ${wt.head.slice(0, 12)}`, leftOut: [...tracked, ...leftOut] };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The private index below is read from HEAD, without the live index's skip-worktree bits: every
 * file a sparse checkout leaves out would look deleted, and the proposal would delete it. The
 * live index says which files those are; a skip-worktree file that is present is the user's.
 */
async function refuseSparseGaps(root: string): Promise<void> {
  const live = await gitWorkingSetIfAny(root);
  if (live) refuseNotCheckedOut(root, live.skipWorktree, undefined, 'a proposal from the work tree would delete them');
}

const INDEX_PURPOSE = "propose's private git index (the genome's own .git is never written)";

/** Pathspecs (after `--`, relative to the genome root) for everything but the proposal queue. */
const GENOME_ONLY = ['.', `:(exclude)${QUEUE_DIR}`];
/** A tracked change git status shows, unlike the untracked proposals the caller's filter leaves out. */
export const QUEUE_CHANGE_WHY = `a change to the proposal queue (${QUEUE_DIR}/), which is not the genome: no proposal may carry it`;

/**
 * What the same diff would touch but PLAIN_DIFF and GENOME_ONLY leave out, from one `--raw`
 * listing: submodules (a gitlink, mode 160000, either side), whose "Subproject commit …" sections
 * only name commits of another repository, and tracked files of the proposal queue (untracked
 * ones go by the caller's filter).
 */
async function changesLeftOut(root: string, revs: string[], index?: PrivateIndex): Promise<{ path: string; why: string }[]> {
  const raw = (await git(root, ['diff', '--raw', '-z', '--no-renames', '--relative', '--ignore-submodules=none', ...revs], index)).toString('utf8').split('\0');
  const out: { path: string; why: string }[] = [];
  // -z raw output: ":<old mode> <new mode> <old> <new> <status>" NUL "<path>" NUL, repeated.
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const [oldMode, newMode] = raw[i]!.slice(1).split(' ');
    const path = raw[i + 1]!;
    if (oldMode === '160000' || newMode === '160000') out.push({ path, why: SUBMODULE_WHY });
    else if (inQueue(path)) out.push({ path, why: QUEUE_CHANGE_WHY });
  }
  return out;
}

const NOT_UTF8_WHY = 'a file name that is not UTF-8, which no proposal can name (verify refuses such patch paths): rename it to propose it';

/**
 * NUL-separated file names as git printed them, each with whether it is valid UTF-8: a name that
 * is not cannot be passed back to git as text (its bytes would change), so it is left out, named
 * with U+FFFD where its bytes were.
 */
function utf8Names(raw: Buffer): { path: string; utf8: boolean }[] {
  const out: { path: string; utf8: boolean }[] = [];
  let start = 0;
  for (let i = raw.indexOf(0); i !== -1; start = i + 1, i = raw.indexOf(0, start)) {
    if (i > start) out.push(decodeName(raw.subarray(start, i)));
  }
  if (start < raw.length) out.push(decodeName(raw.subarray(start)));
  return out;
}

function decodeName(bytes: Buffer): { path: string; utf8: boolean } {
  const path = bytes.toString('utf8');
  return { path, utf8: Buffer.from(path, 'utf8').equals(bytes) };
}

/** Each side of `A..B` / `A...B` must name a commit (else git's "ambiguous argument" reaches the user). */
async function requireCommits(root: string, range: string): Promise<void> {
  for (const side of range.split(/\.\.\.?/)) {
    const r = await captureCommand({ command: 'git', args: ['rev-parse', '--verify', '--quiet', '--end-of-options', `${side}^{commit}`], cwd: root, env: gitEnv(false), timeoutMs: 60_000 });
    if (!succeeded(r)) {
      const hint = 'List the commits with git log --oneline --all, and write --from A..B with two of them.';
      throw usageError('range-unknown', `--from ${JSON.stringify(range)}: ${side} is not a commit of ${root}`, `${hint}${(await isShallow(root)) ? ` ${SHALLOW_HINT}` : ''}`);
    }
  }
}

/** actions/checkout fetches one commit by default: HEAD~1 is then in no clone, yet it exists. */
const SHALLOW_HINT = 'If the commit exists upstream, the clone is shallow: git fetch --unshallow (or fetch-depth: 0 in actions/checkout).';

async function isShallow(root: string): Promise<boolean> {
  const r = await captureCommand({ command: 'git', args: ['rev-parse', '--is-shallow-repository'], cwd: root, env: gitEnv(false), timeoutMs: 60_000 });
  return succeeded(r) && r.stdoutFull.toString('utf8').trim() === 'true';
}

/** git in the live genome (its user config applies, GIT_* from outside do not), optionally on a private index. */
interface PrivateIndex {
  file: string;
  objects: string;
  live: string;
}

async function git(root: string, full: string[], index?: PrivateIndex, input?: string): Promise<Buffer> {
  const env = {
    ...gitEnv(false),
    ...(index ? { GIT_INDEX_FILE: index.file, GIT_OBJECT_DIRECTORY: index.objects, GIT_ALTERNATE_OBJECT_DIRECTORIES: index.live } : {}),
  };
  // Writing the private index would run the repository's hooks (post-index-change, from
  // .git/hooks or the user's core.hooksPath) and its file-system monitor (core.fsmonitor, a hook
  // command too), which keeps its own state for the live index. Arguments, not GIT_CONFIG_COUNT:
  // that may carry the user's own configuration (gitEnv), and a command-line -c is read after it.
  const args = index ? ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', ...full] : full;
  const r = await captureCommand({ command: 'git', args, cwd: root, env, timeoutMs: 120_000, ...(input === undefined ? {} : { input }) });
  if (r.outcome === 'spawn-failed') throw new AosError('git-missing', `cannot run git: ${r.spawnError}`, { hint: 'Install git and make sure it is on PATH.' });
  if (!succeeded(r)) {
    // On the private index, a full TMPDIR fails git ("index.lock write error. Out of diskspace").
    const where = index ? ` ${tmpdirHint(INDEX_PURPOSE)}` : '';
    throw new AosError('git-failed', `git ${full.join(' ')} failed in ${root}: ${describeOutcome(r)}: ${r.stderr.trim()}`, {
      hint: `Check that the commits exist (git log) and that the genome is a healthy git repository.${where}`,
    });
  }
  return r.stdoutFull;
}

function readPatchFile(path: string): Buffer {
  // Bounded and regular files only: readFileSync of a link to /dev/zero never returned.
  const read = readBoundedFile(path, MAX_DOCUMENT_FILE_BYTES);
  if (read.ok) return read.bytes;
  throw usageError('patch-unreadable', `cannot read --patch ${path}: ${read.reason}`, 'Pass an existing diff file (git diff --binary > change.diff).');
}
