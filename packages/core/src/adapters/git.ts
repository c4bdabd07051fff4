import { createHash } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import { captureCommand, describeOutcome, succeeded, type RunCommandOptions } from './exec.js';

/**
 * git for building isolated candidates.
 *
 * Two kinds of calls:
 * - reads of the LIVE genome (`ls-files`, `rev-parse`): the user's git configuration applies
 *   (their global excludes decide what is "ignored"), optional locks are off so that nothing,
 *   not even the index's stat cache, is rewritten;
 * - writes inside a CANDIDATE: hermetic (no system or global config), so hooks, filters,
 *   autocrlf or `apply.whitespace=error` in the user's configuration cannot change the result.
 * In both, inherited GIT_* variables that locate a repository (GIT_DIR, GIT_WORK_TREE,
 * GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY, ...) are dropped: when we run inside a git hook, GIT_DIR
 * would otherwise send candidate writes into the live repository. The ones that choose the
 * user's configuration (GIT_CONFIG_GLOBAL, GIT_CONFIG_COUNT/KEY_n/VALUE_n, ...) are kept for
 * reads of the live genome: a CI job trusts its checkout (safe.directory) or sets its excludes
 * that way, and `git status` follows them; candidate writes replace them all.
 */
export interface GitOptions {
  hermetic?: boolean;
  /** Variables set on top of `gitEnv` (after inherited GIT_* variables were dropped). */
  env?: Record<string, string> | undefined;
  input?: RunCommandOptions['input'];
  timeoutMs?: number;
}

/** The variables git reads its configuration from (not where a repository is). */
const CONFIG_VARIABLE = /^GIT_CONFIG_(GLOBAL|SYSTEM|NOSYSTEM|COUNT|KEY_\d+|VALUE_\d+|PARAMETERS)$/;

export function gitEnv(hermetic: boolean, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && (!k.startsWith('GIT_') || (!hermetic && CONFIG_VARIABLE.test(k)))) env[k] = v;
  }
  env.GIT_OPTIONAL_LOCKS = '0';
  env.GIT_TERMINAL_PROMPT = '0';
  env.LC_ALL = 'C';
  if (hermetic) {
    env.GIT_CONFIG_NOSYSTEM = '1';
    env.GIT_CONFIG_GLOBAL = '/dev/null';
    // Read even with no global config: $XDG_CONFIG_HOME/git/attributes (else
    // ~/.config/git/attributes). A user's `* text eol=crlf` there made `git apply` write the
    // candidate's patched files with CRLF, and the index hash them as LF (a tree id that is not
    // the candidate that was checked). The genome's own .gitattributes still apply.
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = 'core.attributesFile';
    env.GIT_CONFIG_VALUE_0 = '/dev/null';
    env.GIT_AUTHOR_NAME = env.GIT_COMMITTER_NAME = 'autopoietic candidate';
    env.GIT_AUTHOR_EMAIL = env.GIT_COMMITTER_EMAIL = 'candidate@autopoietic.invalid';
  }
  return env;
}

/**
 * Git configuration for what a gate runs in a candidate: Nix (whose git reads the candidate as a
 * git+file flake) and the checks. Their environment keeps HOME, so the user's ~/.gitconfig
 * applies, and with it any `core.fsmonitor`: a hook (watchman) or git's own daemon, started for a
 * temp directory that is removed a moment later, once per run. Only the monitor is turned off;
 * the rest of the user's configuration (insteadOf, credentials for private inputs) still applies.
 */
export const CANDIDATE_GIT_ENV: Readonly<Record<string, string>> = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.fsmonitor', GIT_CONFIG_VALUE_0: 'false' };

/** Runs git and returns its stdout; any failure is an AosError naming the command and directory. */
export async function git(cwd: string, args: string[], opts: GitOptions = {}): Promise<Buffer> {
  const run: RunCommandOptions = { command: 'git', args, cwd, env: { ...gitEnv(opts.hermetic ?? false), ...opts.env }, timeoutMs: opts.timeoutMs ?? 120_000 };
  if (opts.input !== undefined) run.input = opts.input;
  const r = await captureCommand(run);
  if (r.outcome === 'spawn-failed') {
    throw new AosError('git-missing', `cannot run git: ${r.spawnError}`, { hint: 'Install git and make sure it is on PATH.' });
  }
  if (!succeeded(r)) {
    const unsafe = unsafeRepositoryError(r.stderr);
    if (unsafe) throw unsafe;
    // Some plumbing (update-index) reports the paths it stopped on on stdout, not stderr.
    const said = r.stderr.trim() || r.stdoutFull.toString('utf8').trim().slice(-2000);
    throw new AosError('git-failed', `git ${args.join(' ')} failed in ${cwd}: ${describeOutcome(r)}: ${said}`, {
      hint: 'Run the same git command in that directory to see the full error.',
      details: { cwd, args, exit_code: r.exitCode, stderr: r.stderr },
    });
  }
  return r.stdoutFull;
}

/**
 * git's refusal to read a repository that another user owns (git >= 2.35.2, "dubious
 * ownership"; CI container jobs hit it on a bind-mounted checkout), as one line naming the
 * repository and the remedy, which also ends up in a record's reason; undefined for any other
 * failure. Trusting a repository is the user's security decision: the tool never adds it.
 */
export function unsafeRepositoryError(stderr: string): AosError | undefined {
  // git 2.36+, then git 2.35.2-2.35.x's wording.
  const m = /detected dubious ownership in repository at '(.*)'/.exec(stderr) ?? /unsafe repository \('(.*)' is owned by someone else\)/.exec(stderr);
  if (!m) return undefined;
  const repo = m[1]!;
  const remedy = `git config --global --add safe.directory ${shellQuote(repo)}`;
  return new AosError('git-unsafe-repository', `git refuses to read the repository at ${repo}: it is owned by another user ("dubious ownership"); run as its owner, or trust it with: ${remedy}`, {
    hint: 'git reads a repository another user owns only when safe.directory in the global or system git configuration lists it; with GIT_CONFIG_GLOBAL set, --global means that file.',
    details: { repository: repo },
  });
}

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
    throw new AosError('git-missing', `cannot run git: ${r.spawnError}`, { hint: 'Install git and make sure it is on PATH.' });
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
    throw new AosError('git-missing', `cannot run git: ${r.spawnError}`, { hint: 'Install git and make sure it is on PATH.' });
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

/**
 * Makes `dir` a standalone repository for a candidate. Nothing is shared with the live
 * repository: git freshens (utime) an existing object whenever it would write it again, and it
 * does so through hard links (`clone --local`) and alternates (`clone --shared`) alike, so any
 * object sharing would touch the live .git. No template (`--template=`): hook samples and
 * `info/exclude` are not needed, and every file created costs time on a busy file system.
 */
export async function initCandidateRepo(dir: string): Promise<void> {
  await git(dir, ['init', '-q', '--template=', '-b', 'candidate', '.'], { hermetic: true });
}

/** Paths handed to a running git process as they become ready (see `indexWorkTreeFiles`). */
export interface PathFeed {
  add(paths: readonly string[]): void;
  /** No more paths: resolves once git has finished (and written the index), rejects if it failed. */
  end(): Promise<void>;
}

/**
 * Fills a candidate's index from its work tree without writing any object: one
 * `git update-index --add --info-only -z --stdin`, fed the paths of files as soon as they have
 * been written, so git hashes them (on another core) while the caller is still copying. git
 * computes each blob id itself, with the repository's attributes, exactly as `git add` would,
 * and records the stat data; writing every blob instead (`git add`) costs about 1 s per 2,000
 * files. Symlinks belong in `stagePaths` (git reads a link's blob to compare it, so link blobs
 * are written for real).
 */
export function indexWorkTreeFiles(dir: string): PathFeed {
  const queue: string[] = [];
  let ended = false;
  let wake: (() => void) | undefined;
  async function* chunks(): AsyncGenerator<string> {
    for (;;) {
      if (queue.length > 0) yield queue.splice(0).join('');
      else if (ended) return;
      else await new Promise<void>((r) => (wake = r));
    }
  }
  // No timeout: git waits for paths for as long as the copy takes, and ends when its input does.
  const running = git(dir, ['update-index', '--add', '--info-only', '-z', '--stdin'], { hermetic: true, input: chunks(), timeoutMs: 0 });
  running.catch(() => undefined); // reported by end()
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    add(paths) {
      for (const p of paths) queue.push(`${p}\0`);
      poke();
    },
    async end() {
      ended = true;
      poke();
      await running;
    },
  };
}

/** Re-stages the given paths after a change (added, modified or deleted), writing only their objects. */
export async function stagePaths(dir: string, paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return;
  await git(dir, ['update-index', '--add', '--remove', '-z', '--stdin'], { hermetic: true, input: `${paths.join('\0')}\0` });
}

/**
 * The id of the tree the index describes (blobs that were never written are allowed). With
 * `indexFile`, of that copy of the index instead (git then updates the copy, not the index).
 */
export async function writeTree(dir: string, indexFile?: string): Promise<string> {
  const env = indexFile === undefined ? undefined : { GIT_INDEX_FILE: indexFile };
  return (await git(dir, ['write-tree', '--missing-ok'], { hermetic: true, env })).toString('utf8').trim();
}

/** Stages every file of a directory (ignored ones too) and returns the tree id. */
export async function stageAll(dir: string): Promise<string> {
  await git(dir, ['add', '-A', '-f'], { hermetic: true });
  return writeTree(dir);
}

/** git's object id of a blob: sha1 over `blob <size>\0` and the content. */
export function gitBlobId(data: Uint8Array): string {
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

export interface PatchSummary {
  /** The paths git would write (for a pure rename, git names only the destination). */
  paths: string[];
  /** `git apply --summary` lines (creations, deletions, renames, mode changes). */
  summary: string[];
}

/**
 * What `git apply` itself thinks a patch touches, without applying it: one `git apply --numstat
 * --summary -z` call prints the NUL-terminated numstat records, then the summary lines.
 */
export async function patchSummary(dir: string, patchFile: string): Promise<PatchSummary> {
  const out = await git(dir, ['apply', '--numstat', '--summary', '-z', patchFile], { hermetic: true });
  const split = out.lastIndexOf(0) + 1;
  const summary = out.subarray(split).toString('utf8');
  return { paths: parseNumstatZ(out.subarray(0, split)), summary: summary.split('\n').filter((l) => l.trim() !== '') };
}

/** `added\tdeleted\tpath\0`, or for renames and copies `added\tdeleted\t\0old\0new\0`. */
export function parseNumstatZ(out: Buffer): string[] {
  const fields = out.toString('utf8').split('\0');
  const paths: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (f === '') continue;
    const m = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(f);
    if (!m) throw new AosError('git-output', `unexpected git apply --numstat output: ${JSON.stringify(f)}`);
    if (m[3] !== '') paths.push(m[3]!);
    else {
      paths.push(fields[i + 1] ?? '', fields[i + 2] ?? '');
      i += 2;
    }
  }
  return paths.filter((p) => p !== '');
}

/** The argv of a plain `git apply` (never --3way or --index: those follow untracked symlinks out of the tree). */
export function applyPatchArgs(patchFile: string): string[] {
  return ['apply', '--whitespace=nowarn', patchFile];
}
