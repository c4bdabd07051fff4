import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyPatchArgs, flakePathProblem, gitEnv, indexWorkTreeFiles, initCandidateRepo, isInsideDir, makeDirs, mkdirFailedHint, onInterrupt, patchSummary, resolvedPath, runCommand, stagePaths, writeTree, type PatchSummary, type PathFeed } from '@autopoietic/core/adapters';
import { compactUtc } from '@autopoietic/core/canonical';
import { AosError, describeWithHint, getLogger, isAosError } from '@autopoietic/core/cli-kit';
import type { CheckResult } from '@autopoietic/core/schemas';
import { toCheckResult, logName } from '../checks/run.js';
import { applyFailureReason } from './apply-failure.js';
import { collectFileSet, listLive, type FileSet, type LiveListing } from '../candidate/fileset.js';
import { rootFingerprint, type TreeEntry } from '../candidate/fingerprint.js';
import { materialise } from '../candidate/materialise.js';
import type { ExclusionContext } from '../candidate/exclusions.js';
import { gitViewProblem, symlinkProblem } from '../patch/guard.js';
import type { PatchFile } from '../patch/parse.js';
import { touchedPaths } from '../patch/rules.js';

/**
 * The candidate: a private directory outside the live root (mode 0700) holding
 *   genome/     the candidate work tree: the live file set (HEAD plus the uncommitted state the
 *               user sees) copied in, in a standalone git repository (no object is copied from,
 *               shared with or written to the live repository) whose index git fills by hashing
 *               the copied files without writing their blobs; the patch applied with plain
 *               `git apply`, and the touched paths staged;
 *   patch.diff  the exact patch bytes given to git;
 *   tree.index  a copy of the staged index, from which the candidate's tree id is computed;
 *   scan/       scratch for listing a non-git genome.
 * Nothing here writes to the live root or its .git.
 *
 * Time goes to creating ~2,000 files, so everything else is arranged around that copy, in other
 * processes: `git init` runs while the live file set is listed; git reads the patch and hashes
 * the copied files for the index while this thread copies; the tree id is computed while the
 * checks run. AUTOPOIETIC_LOG_LEVEL=debug logs the time of each stage.
 */
export interface CandidatePaths {
  /** Where `container` is made, and what chose it (for errors). */
  workDir: { path: string; from: '--work-dir' | '$TMPDIR' };
  container: string;
  dir: string;
  patchFile: string;
  treeIndex: string;
  scratch: string;
}

export interface Candidate {
  paths: CandidatePaths;
  fileSet: FileSet;
  entries: TreeEntry[];
  rootFingerprint: string;
  /** git's own reading of the patch (`git apply --numstat --summary`), or why git cannot read it. */
  patchView: { ok: true; summary: PatchSummary } | { ok: false; reason: string };
}

/** Where the candidate will live, or why it may not (a work dir inside the root, symlinks included). */
export function planCandidate(root: string, workDir: string | undefined, cwd: string): { ok: true; paths: CandidatePaths } | { ok: false; reason: string } {
  const parent = resolve(cwd, workDir ?? tmpdir());
  if (isInsideDir(parent, root)) {
    return { ok: false, reason: `work dir ${parent} must not be inside root ${root} (it resolves to ${resolvedPath(parent)})` };
  }
  // Every check runs Nix on the candidate: refused here, a path Nix cannot take would reject
  // the proposal for a flake check that failed on the path, not on the patch.
  const nix = flakePathProblem(parent);
  if (nix) {
    const which = workDir === undefined ? ' (the system temp dir: $TMPDIR)' : '';
    return { ok: false, reason: `work dir ${parent}${which}: ${nix}; give --work-dir a directory whose path has none of these, e.g. /var/tmp` };
  }
  const container = join(parent, `autopoietic-mutation-${compactUtc(new Date())}-${randomBytes(16).toString('hex')}`);
  return { ok: true, paths: { workDir: { path: parent, from: workDir === undefined ? '$TMPDIR' : '--work-dir' }, container, dir: join(container, 'genome'), patchFile: join(container, 'patch.diff'), treeIndex: join(container, 'tree.index'), scratch: join(container, 'scan') } };
}

/** The patch the candidate is built for: its exact bytes, and its files as validated (the paths it touches are staged after `git apply`). */
export interface CandidatePatch {
  bytes: Buffer;
  files: readonly PatchFile[];
}

/**
 * Lists and copies the live file set into a fresh candidate repository, its index filled by git
 * meanwhile. `listing` is the live listing when the caller started it early (`listLive`).
 */
export async function buildCandidate(root: string, paths: CandidatePaths, exclusions: ExclusionContext, patch: CandidatePatch, listing: Promise<LiveListing> = listLive(root)): Promise<Candidate> {
  createContainer(paths);
  mkdirSync(paths.dir);
  writeFileSync(paths.patchFile, patch.bytes, { mode: 0o600 });
  const log = getLogger();
  const t0 = performance.now();
  const git = gitAlongside(paths);
  try {
    const fileSet = await collectFileSet(root, paths.scratch, exclusions, listing);
    const t1 = performance.now();
    // Touched paths and symlinks are staged from the work tree after `git apply`.
    const touched = new Set(patch.files.flatMap(touchedPaths));
    const copied = await materialise(fileSet, paths.dir, (done) => git.index(done.flatMap((e) => (e.kind === 'file' && !touched.has(e.path) ? [e.path] : []))));
    const t2 = performance.now();
    for (const s of [...fileSet.excluded, ...copied.skipped]) log.debug({ path: s.path, why: s.why }, 'not copied into the candidate');
    for (const s of copied.skipped.filter((x) => x.why.startsWith('a directory'))) log.warn({ path: s.path }, `${s.path} is ${s.why}`);
    const patchView = await git.finish();
    const ms = (a: number, b: number) => Math.round(b - a);
    log.debug({ list_ms: ms(t0, t1), copy_ms: ms(t1, t2), git_wait_ms: ms(t2, performance.now()), files: copied.entries.length, bytes: copied.bytes }, 'candidate timings');
    return { paths, fileSet, entries: copied.entries, rootFingerprint: rootFingerprint(copied.entries), patchView };
  } catch (e) {
    await git.settle(); // no git process may still be writing when the caller removes the candidate
    throw e;
  }
}

/**
 * The candidate's private directory, or an error that names the work dir, what chose it, the
 * cause by its errno and how to choose another: a CI job's TMPDIR can be a file, unwritable, or
 * under /sys. The cause is said as every directory core makes says it (makeDirs, one list of
 * errno hints: write-hint.ts); the remedy depends on what chose the directory, so it is in the
 * message itself, which is the record's one-line reason.
 */
function createContainer(paths: CandidatePaths): void {
  const { path, from } = paths.workDir;
  try {
    makeDirs(path);
    mkdirSync(paths.container, { mode: 0o700 });
  } catch (e) {
    const remedy = from === '--work-dir' ? 'give --work-dir a writable directory' : 'point TMPDIR (or --work-dir) at a writable directory';
    // makeDirs' AosError carries Node's error, which names the level that failed.
    const why = mkdirFailedHint(isAosError(e) ? e.cause : e, paths.container, `${remedy} on a disk with free space, e.g. /var/tmp`);
    throw new AosError('work-dir-unusable', `cannot create the candidate in ${path} (${from}): ${why}`);
  }
}

/**
 * The git processes that work alongside the copy: `git init`, then (once it is done, which the
 * copy does not wait for) git's reading of the patch and the indexing of every file handed to
 * `index`. They only create and read .git (which the copy never writes), the patch file, and
 * files already copied.
 */
function gitAlongside(paths: CandidatePaths) {
  const waiting: string[] = [];
  let indexing: PathFeed | undefined;
  let reading: Promise<Candidate['patchView']> | undefined;
  const ready = initCandidateRepo(paths.dir).then(() => {
    reading = readPatch(paths);
    indexing = indexWorkTreeFiles(paths.dir);
    indexing.add(waiting.splice(0));
  });
  ready.catch(() => undefined); // reported by finish()
  return {
    index(files: readonly string[]): void {
      if (indexing) indexing.add(files);
      else for (const f of files) waiting.push(f); // not push(...): a batch can pass 100,000 names
    },
    /** The index written and the patch read. */
    async finish(): Promise<Candidate['patchView']> {
      await ready;
      await indexing!.end();
      return reading!;
    },
    /** Every process done, however it ended. */
    async settle(): Promise<void> {
      await ready.catch(() => undefined);
      await Promise.allSettled([indexing?.end(), reading]);
    },
  };
}

async function readPatch(paths: CandidatePaths): Promise<Candidate['patchView']> {
  try {
    return { ok: true, summary: await patchSummary(paths.dir, paths.patchFile) };
  } catch (e) {
    return { ok: false, reason: `git cannot read the patch: ${describeWithHint(e)}` };
  }
}

export type TreeId = { ok: true; id: string } | { ok: false; reason: string };

/**
 * The patch applied and staged: the `apply-patch` check, and `tree()`, which has git compute
 * `git-tree:<sha>` of the staged candidate from a copy of the staged index (taken before this
 * returns), so that it can run alongside the checks; its promise never rejects, and must be
 * settled before the candidate is removed. Or why not: the proposal is at fault (`rejected`:
 * refused or not applying) or the candidate broke (`error`).
 */
export type Applied =
  | { ok: true; check: CheckResult; tree: () => Promise<TreeId> }
  | { ok: false; failure: 'rejected' | 'error'; problem: string; check: CheckResult | undefined };

/**
 * Guards, applies the patch as the `apply-patch` check, and stages the touched paths and the
 * symlinks from the work tree (git hashes them and writes their blobs).
 */
export async function applyToCandidate(c: Candidate, files: readonly PatchFile[], logDir: string, failure: string): Promise<Applied> {
  const refuse = (problem: string): Applied => ({ ok: false, failure: 'rejected', problem, check: undefined });
  const linked = symlinkProblem(c.paths.dir, files);
  if (linked) return refuse(linked);
  if (!c.patchView.ok) return refuse(c.patchView.reason);
  const ambiguous = gitViewProblem(c.patchView.summary, files);
  if (ambiguous) return refuse(ambiguous);
  const { dir } = c.paths;
  const t0 = performance.now();
  const r = await runCommand({ command: 'git', args: applyPatchArgs(c.paths.patchFile), cwd: dir, env: gitEnv(true), timeoutMs: 300_000, logDir, logName: logName(0, 'apply-patch') });
  const check = toCheckResult('apply-patch', r);
  if (check.status !== 'passed') {
    // A git that timed out or could not start gave no answer about the patch: no verdict.
    const problem = await applyFailureReason(failure, check, dir, c.paths.patchFile);
    return { ok: false, failure: check.status === 'failed' ? 'rejected' : 'error', problem, check };
  }
  const t1 = performance.now();
  try {
    await stagePaths(dir, [...c.entries.filter((e) => e.kind === 'symlink').map((e) => e.path), ...new Set(files.flatMap(touchedPaths))]);
    copyFileSync(join(dir, '.git', 'index'), c.paths.treeIndex);
  } catch (e) {
    return { ok: false, failure: 'error', problem: describeWithHint(e), check };
  }
  getLogger().debug({ apply_ms: Math.round(t1 - t0), stage_ms: Math.round(performance.now() - t1) }, 'apply timings');
  const tree = () =>
    writeTree(dir, c.paths.treeIndex).then(
      (id): TreeId => ({ ok: true, id: `git-tree:${id}` }),
      (e: unknown): TreeId => ({ ok: false, reason: describeWithHint(e) }),
    );
  return { ok: true, check, tree };
}

/** Removes the candidate (also on SIGINT/SIGTERM) unless it is to be kept; returns the un-register function. */
export function guardCandidate(paths: CandidatePaths, keep: boolean): () => void {
  if (keep) return () => undefined;
  return onInterrupt(() => removeCandidate(paths));
}

/** Removes the candidate with `rm -rf` (several times faster than Node on thousands of files), falling back to Node. */
export async function removeCandidateFast(paths: CandidatePaths): Promise<void> {
  const r = await runCommand({ command: 'rm', args: ['-rf', '--', paths.container], cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 120_000 });
  if (r.outcome !== 'exited' || r.exitCode !== 0) removeCandidate(paths);
}

export function removeCandidate(paths: CandidatePaths): void {
  try {
    rmSync(paths.container, { recursive: true, force: true });
  } catch {
    // A check may have left read-only directories: make them writable and try once more.
    try {
      chmodTree(paths.container);
      rmSync(paths.container, { recursive: true, force: true });
    } catch (e) {
      getLogger().warn({ candidate: paths.container, err: (e as Error).message }, 'could not remove the candidate directory');
    }
  }
}

function chmodTree(dir: string): void {
  chmodSync(dir, 0o700);
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    if (name.isDirectory()) chmodTree(join(dir, name.name));
  }
}
