import { AosError } from '../cli-kit/errors.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import { captureCommand, describeOutcome, succeeded, type RunCommandOptions } from './exec.js';

/**
 * Running git, for building isolated candidates (git-candidate.ts, git-patch.ts) and reading the
 * live genome (git-worktree.ts).
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
    throw gitMissing(r.spawnError);
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

/** The refusal when git cannot be started at all (not installed, not on PATH). */
export function gitMissing(spawnError: string | undefined): AosError {
  return new AosError('git-missing', `cannot run git: ${spawnError}`, { hint: 'Install git and make sure it is on PATH.' });
}
