import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyPatchArgs, gitEnv, initCandidateRepo, isInsideDir, onInterrupt, patchSummary, resolvedPath, runCommand, seedIndex, stagePaths, writeTree } from '@autopoietic/core/adapters';
import { compactUtc } from '@autopoietic/core/canonical';
import { getLogger } from '@autopoietic/core/cli-kit';
import type { CheckResult } from '@autopoietic/core/schemas';
import { toCheckResult, logName } from '../checks/run.js';
import { collectFileSet, type FileSet } from '../candidate/fileset.js';
import { rootFingerprint, type TreeEntry } from '../candidate/fingerprint.js';
import { materialise } from '../candidate/materialise.js';
import type { ExclusionContext } from '../candidate/exclusions.js';
import { gitViewProblem, symlinkProblem } from '../patch/guard.js';
import type { PatchFile } from '../patch/parse.js';
import { touchedPaths } from '../patch/rules.js';

/**
 * The candidate: a private directory outside the live root (mode 0700) holding
 *   genome/     the candidate work tree: the live file set (HEAD plus the uncommitted state the
 *               user sees) copied in, in a standalone git repository whose index is seeded with
 *               the blob ids of the copied bytes (no object is copied from, shared with or
 *               written to the live repository); the patch applied with plain `git apply`, and
 *               the touched paths staged;
 *   patch.diff  the exact patch bytes given to git;
 *   scan/       scratch for listing a non-git genome.
 * Nothing here writes to the live root or its .git.
 */
export interface CandidatePaths {
  container: string;
  dir: string;
  patchFile: string;
  scratch: string;
}

export interface Candidate {
  paths: CandidatePaths;
  fileSet: FileSet;
  entries: TreeEntry[];
  rootFingerprint: string;
}

/** Where the candidate will live, or why it may not (a work dir inside the root, symlinks included). */
export function planCandidate(root: string, workDir: string | undefined, cwd: string): { ok: true; paths: CandidatePaths } | { ok: false; reason: string } {
  const parent = resolve(cwd, workDir ?? tmpdir());
  if (isInsideDir(parent, root)) {
    return { ok: false, reason: `work dir ${parent} must not be inside root ${root} (it resolves to ${resolvedPath(parent)})` };
  }
  const container = join(parent, `autopoietic-mutation-${compactUtc(new Date())}-${randomBytes(16).toString('hex')}`);
  return { ok: true, paths: { container, dir: join(container, 'genome'), patchFile: join(container, 'patch.diff'), scratch: join(container, 'scan') } };
}

export async function buildCandidate(root: string, paths: CandidatePaths, exclusions: ExclusionContext): Promise<Candidate> {
  mkdirSync(resolve(paths.container, '..'), { recursive: true });
  mkdirSync(paths.container, { mode: 0o700 });
  mkdirSync(paths.dir);
  mkdirSync(paths.scratch);
  const log = getLogger();
  const t0 = performance.now();
  const fileSet = await collectFileSet(root, paths.scratch, exclusions);
  const t1 = performance.now();
  const copied = materialise(fileSet, paths.dir);
  const t2 = performance.now();
  for (const s of [...fileSet.excluded, ...copied.skipped]) log.debug({ path: s.path, why: s.why }, 'not copied into the candidate');
  for (const s of copied.skipped.filter((x) => x.why.startsWith('a directory'))) log.warn({ path: s.path }, `${s.path} is ${s.why}`);
  await initCandidateRepo(paths.dir);
  await seedIndex(paths.dir, copied.entries.map((e) => ({ mode: e.kind === 'symlink' ? '120000' : e.executable ? '100755' : '100644', oid: e.oid, path: e.path })));
  const ms = (a: number, b: number) => Math.round(b - a);
  log.debug({ list_ms: ms(t0, t1), copy_ms: ms(t1, t2), index_ms: ms(t2, performance.now()), files: copied.entries.length, bytes: copied.bytes }, 'candidate timings');
  return { paths, fileSet, entries: copied.entries, rootFingerprint: rootFingerprint(copied.entries) };
}

export interface Applied {
  check: CheckResult | undefined;
  /** A rejection reason when the patch may not or could not be applied. */
  problem: string | undefined;
  /** `git-tree:<sha>` of the staged candidate, when the patch applied. */
  tree: string | undefined;
}

/** Guards, applies the patch as the `apply-patch` check, and stages the candidate. */
export async function applyToCandidate(c: Candidate, patch: Buffer, files: readonly PatchFile[], logDir: string, failure: string): Promise<Applied> {
  const linked = symlinkProblem(c.paths.dir, files);
  if (linked) return { check: undefined, problem: linked, tree: undefined };
  writeFileSync(c.paths.patchFile, patch, { mode: 0o600 });
  const ambiguous = gitViewProblem(await patchSummary(c.paths.dir, c.paths.patchFile), files);
  if (ambiguous) return { check: undefined, problem: ambiguous, tree: undefined };
  const r = await runCommand({
    command: 'git',
    args: applyPatchArgs(c.paths.patchFile),
    cwd: c.paths.dir,
    env: gitEnv(true),
    timeoutMs: 300_000,
    logDir,
    logName: logName(0, 'apply-patch'),
  });
  const check = toCheckResult('apply-patch', r);
  if (check.status !== 'passed') return { check, problem: failure, tree: undefined };
  await stagePaths(c.paths.dir, [...new Set(files.flatMap(touchedPaths))]);
  return { check, problem: undefined, tree: `git-tree:${await writeTree(c.paths.dir)}` };
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
