import { isAbsolute, join, resolve } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { captureCommand, describeOutcome, succeeded } from './exec.js';
import { git, gitEnv, gitMissing, unsafeRepositoryError } from './git.js';

// Reads of the live genome's git work tree: where it is, and what it holds for the user (tracked
// plus untracked files that are not ignored). The user's git configuration applies (git.ts).

export interface GitTopLevel {
  /** Absolute top-level directory of the work tree. */
  toplevel: string;
  /** Path of the inspected directory inside the work tree, with a trailing `/`, or '' at the top. */
  prefix: string;
}

export interface GitWorkTree extends GitTopLevel {
  /** The object database (shared by all worktrees of the repository). */
  objectsDir: string;
  /** The commit HEAD points at, or undefined on an unborn branch. */
  head: string | undefined;
}

/** The work tree containing `dir` (one git process), or undefined when `dir` is not in one. */
export async function gitTopLevel(dir: string): Promise<GitTopLevel | undefined> {
  const lines = await revParse(dir, ['--show-toplevel', '--show-prefix']);
  if (!lines || lines[0] === '') return undefined; // not a repository, or inside .git / a bare one
  return { toplevel: lines[0]!, prefix: lines[1] ?? '' };
}

/** Describes the git work tree that contains `dir`, with its object directory and HEAD, or undefined. */
export async function gitWorkTree(dir: string): Promise<GitWorkTree | undefined> {
  const lines = await revParse(dir, ['--show-toplevel', '--show-prefix', '--git-common-dir']);
  if (!lines || lines[0] === '') return undefined;
  const [toplevel = '', prefix = '', commonDir = ''] = lines;
  const common = isAbsolute(commonDir) ? commonDir : resolve(dir, commonDir);
  const head = await revParse(dir, ['-q', '--verify', 'HEAD^{commit}'], true);
  return { toplevel, prefix, objectsDir: join(common, 'objects'), head: head?.[0] || undefined };
}

/** `git rev-parse ARGS` output lines; undefined outside a repository (or, with `quiet`, on any failure). */
async function revParse(dir: string, args: string[], quiet = false): Promise<string[] | undefined> {
  const r = await captureCommand({ command: 'git', args: ['rev-parse', ...args], cwd: dir, env: gitEnv(false), timeoutMs: 60_000 });
  if (r.outcome === 'spawn-failed') {
    throw gitMissing(r.spawnError);
  }
  if (succeeded(r)) return r.stdoutFull.toString('utf8').split('\n');
  if (quiet || /not a git repository/i.test(r.stderr)) return undefined;
  throw unsafeRepositoryError(r.stderr) ?? new AosError('git-failed', `cannot inspect the git repository at ${dir}: ${describeOutcome(r)}: ${r.stderr.trim()}`, {
    hint: 'Run git status in that directory to see what git objects to.',
  });
}

/**
 * What the user sees in a git genome: tracked files plus untracked files that are not ignored,
 * relative to `root`. Tracked files deleted from the work tree are listed too (the caller
 * skips what it cannot lstat). Nested repositories appear as `dir/`.
 */
export async function listGitWorkingSet(root: string): Promise<string[]> {
  const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
  return uniqueNul(out);
}

export interface GitWorkingSet {
  /** What `listGitWorkingSet` lists. */
  paths: string[];
  /** Those of them marked skip-worktree: a sparse checkout leaves them out of the work tree. */
  skipWorktree: string[];
}

/**
 * `listGitWorkingSet` in one git process (`-t` tags skip-worktree entries `S`), or undefined
 * when `root` is not in a git work tree (not a repository, inside `.git`, a bare repository),
 * told apart by git's own message (LC_ALL=C). Any other failure is an error: "dubious
 * ownership" must not pass for a plain directory.
 */
export async function gitWorkingSetIfAny(root: string): Promise<GitWorkingSet | undefined> {
  const args = ['ls-files', '-z', '-t', '--cached', '--others', '--exclude-standard'];
  const r = await captureCommand({ command: 'git', args, cwd: root, env: gitEnv(false), timeoutMs: 120_000 });
  if (r.outcome === 'spawn-failed') {
    throw gitMissing(r.spawnError);
  }
  if (succeeded(r)) return taggedWorkingSet(r.stdoutFull);
  if (r.outcome === 'exited' && /not a git repository|must be run in a work tree/i.test(r.stderr)) return undefined;
  throw unsafeRepositoryError(r.stderr) ?? new AosError('git-failed', `cannot list the git work tree at ${root}: ${describeOutcome(r)}: ${r.stderr.trim()}`, {
    hint: 'Run git status in that directory to see what git objects to.',
  });
}

/**
 * The same listing for a directory that is not in a git repository: an empty bare repository in
 * `scratch` (outside the root) is pointed at `root` as its work tree, so that `.gitignore` files
 * are honoured exactly as git would; nothing is written to `root`.
 */
export async function listPlainWorkingSet(root: string, scratch: string): Promise<string[]> {
  const gitDir = join(scratch, 'scan.git');
  await git(scratch, ['init', '-q', '--template=', '--bare', gitDir], { hermetic: true });
  const out = await git(root, [`--git-dir=${gitDir}`, `--work-tree=${root}`, 'ls-files', '-z', '--others', '--exclude-standard']);
  return uniqueNul(out);
}

/** `ls-files -t -z` entries: a one-letter tag, a space, the path. */
function taggedWorkingSet(out: Buffer): GitWorkingSet {
  const paths = new Set<string>();
  const skipWorktree = new Set<string>();
  for (const entry of out.toString('utf8').split('\0')) {
    if (entry.length < 3) continue;
    const path = entry.slice(2);
    paths.add(path);
    if (entry[0] === 'S') skipWorktree.add(path);
  }
  return { paths: [...paths], skipWorktree: [...skipWorktree] };
}

function uniqueNul(out: Buffer): string[] {
  return [...new Set(out.toString('utf8').split('\0').filter((p) => p !== ''))];
}
