import { boundTail, NixLogTranslator, parseBuildOutPaths, runCommand, type CommandResult, type NixInfo, type RunCommandOptions } from '@autopoietic/core/adapters';
import { describeError, getLogger } from '@autopoietic/core/cli-kit';
import { memoryWriteHint } from '@autopoietic/core/ledger';
import type { CheckResult } from '@autopoietic/core/schemas';
import { fetchFailure } from './fetch-failure.js';
import { nixMachineFailure } from './machine-failure.js';
import type { PlannedCheck } from './plan.js';
import type { ProgressReporter } from './progress.js';

/**
 * Runs independent checks in the candidate, up to `jobs` at a time, and returns their results
 * in plan order (not completion order). With `failFast`, the first check that does not pass
 * cancels the running ones (their process groups are killed) and the rest never start; those
 * are recorded as `error` with a reason, never silently dropped.
 */
export interface RunChecksOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  jobs: number;
  failFast: boolean;
  logDir: string;
  /** Index of the first check in log file names (the apply-patch step is 0). */
  firstIndex: number;
  nix: NixInfo;
  progress?: ProgressReporter | undefined;
}

export async function runChecks(checks: readonly PlannedCheck[], opts: RunChecksOptions): Promise<CheckResult[]> {
  const results: (CheckResult | undefined)[] = new Array(checks.length).fill(undefined);
  const cancel = new AbortController();
  let stopper: string | undefined;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= checks.length) return;
      const check = checks[i]!;
      if (stopper !== undefined) {
        results[i] = notRun(check, `not-run: fail-fast after ${stopper} did not pass`);
        continue;
      }
      const r = await runOne(check, opts.firstIndex + i, opts, cancel.signal);
      results[i] = stopper !== undefined && r.reason === 'cancelled' ? { ...r, reason: `cancelled: fail-fast after ${stopper} did not pass` } : r;
      if (opts.failFast && r.status !== 'passed' && stopper === undefined) {
        stopper = check.name;
        cancel.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.jobs, checks.length)) }, worker));
  return results.map((r, i) => r ?? notRun(checks[i]!, 'not-run'));
}

/**
 * runCommand for every command a gate records as a check (the flake check, the proposal's and
 * the operator's checks, the VM checks, and promote's Nix evaluations): under a watchdog, so that
 * a gate killed with SIGKILL (or by the OOM killer), whose timeouts die with it, does not leave a
 * check or a Nix build running on its own (ADR 0019). A check may run for hours; the watchdog
 * costs one small Node process while it runs. A watchdog that cannot start is a spawn failure:
 * the check does not run, and is an `error` (toCheckResult), so the gate is not verified.
 */
export function runCheckCommand(opts: Omit<RunCommandOptions, 'watchdog'>): Promise<CommandResult> {
  return runCommand({ ...opts, watchdog: true });
}

async function runOne(check: PlannedCheck, index: number, opts: RunChecksOptions, signal: AbortSignal): Promise<CheckResult> {
  // A `nix` that cannot say which Nix it is (missing, broken, or a stand-in earlier on PATH that
  // exits 0 without doing anything) vouches for nothing: the check is an error, never run.
  if (check.command === 'nix' && !opts.nix.available) return notRun(check, `nix-unusable: ${opts.nix.problem ?? 'nix --version failed'}`);
  const progress = check.nix ? opts.progress?.forCheck(check.name) : undefined;
  const translator = progress ? new NixLogTranslator((e) => progress(e)) : undefined;
  const args = translator ? [...check.args, '--log-format', 'internal-json'] : check.args;
  opts.progress?.started(check.name);
  const r = await runCheckCommand({
    command: check.command,
    args,
    cwd: opts.cwd,
    env: opts.env,
    timeoutMs: check.timeoutMs,
    logDir: opts.logDir,
    logName: logName(index, check.name),
    keepStdout: check.buildsOutPaths,
    signal,
    // A check's daemon (`setsid x &`) must not outlive the gate that ran it.
    reap: true,
    ...(translator ? { stderrLine: (l: string) => translator.line(l) } : {}),
  });
  if (r.reaped) getLogger().warn({ check: check.name, pids: r.reaped }, `check ${check.name} left ${r.reaped.length} process(es) running outside its process group (setsid): killed`);
  const ran = toCheckResult(check.name, r, check.timeoutMs, check.nix);
  const result = check.buildsOutPaths && ran.status === 'passed' ? withOutPaths(ran, opts.nix, r.stdoutFull) : ran;
  opts.progress?.finished(check.name, result.status);
  return result;
}

/**
 * A passed `nix build` must name what it built: exit 0 with no output path (or output that is not
 * Nix's) is not evidence of a build, so the check is an error rather than passed.
 */
function withOutPaths(result: CheckResult, nix: NixInfo, stdout: Buffer | undefined): CheckResult {
  let paths: string[];
  try {
    paths = parseBuildOutPaths(nix, (stdout ?? Buffer.alloc(0)).toString('utf8'));
  } catch (e) {
    return { ...result, status: 'error', out_paths: [], reason: `nix build exited 0 but its output is not Nix's: ${describeError(e)}` };
  }
  if (paths.length === 0) return { ...result, status: 'error', out_paths: [], reason: 'nix build exited 0 but named no output path' };
  return { ...result, out_paths: paths };
}

/** The remedy for a check log that could not be written, when its errno names none (EIO, say). */
const LOG_WRITE_HINT = 'Check that the memory directory is writable and has free space, then verify again.';

/**
 * Maps a finished command to a check result: passed (exit 0), failed (other exit), error (could
 * not run to an answer: for a Nix command, also one that stopped on a fetch it could not make, on
 * a full disk or on a builder killed from outside, see machine-failure.ts).
 * A check killed by a signal is an error too: SIGKILL is what the out-of-memory killer and a
 * kill from outside send, and a crashing nix or test is the tool's fault; none of them is an
 * answer about the proposal, so it must not be rejected for it (nor, of course, verified).
 */
export function toCheckResult(name: string, r: CommandResult, timeoutMs?: number, nix = false): CheckResult {
  const base: CheckResult = {
    name,
    command: r.command,
    ...(r.args.length ? { args: r.args } : {}),
    status: 'passed',
    exit_code: r.exitCode,
    stdout: boundTail(r.stdout),
    stderr: boundTail(r.stderr),
    duration_ms: r.durationMs,
  };
  if (r.stdoutLog) base.stdout_log = r.stdoutLog;
  if (r.stderrLog) base.stderr_log = r.stderrLog;
  if (r.logError) return { ...base, status: 'error', reason: `cannot write the check's log ${r.logError}: no verdict. ${memoryWriteHint(r.logErrorCode, LOG_WRITE_HINT)}` };
  switch (r.outcome) {
    case 'spawn-failed':
      return { ...base, status: 'error', reason: `spawn-failed: ${r.spawnError}`, stderr: boundTail(`${r.stderr}${r.spawnError ?? ''}`) };
    case 'timeout':
      return { ...base, status: 'error', reason: `timeout${timeoutMs ? ` after ${Math.round(timeoutMs / 1000)} s` : ''}` };
    case 'cancelled':
      return { ...base, status: 'error', reason: 'cancelled' };
    case 'exited':
      if (r.exitCode === 0) return base;
      if (r.signal) return { ...base, status: 'error', reason: `killed by ${r.signal} before it finished (out of memory, a crash, or a kill from outside): no verdict` };
      if (nix) {
        const machine = fetchFailure(r.stderr) ?? nixMachineFailure(r.stderr);
        if (machine) return { ...base, status: 'error', reason: machine };
      }
      return { ...base, status: 'failed' };
  }
}

function notRun(check: PlannedCheck, reason: string): CheckResult {
  return { name: check.name, command: check.command, ...(check.args.length ? { args: check.args } : {}), status: 'error', exit_code: null, reason, stdout: '', stderr: '' };
}

/** `03-nix-flake-check`: ordered and safe as a file name. */
export function logName(index: number, name: string): string {
  return `${String(index).padStart(2, '0')}-${name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}`;
}
