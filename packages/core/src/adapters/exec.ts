import { spawn, type ChildProcess } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { LogRef } from '../schemas/common.js';
import { newRunToken, reapEscapees, RUN_TOKEN_VARIABLE } from './escapees.js';
import { StreamSink } from './exec-output.js';
import { childExited, ensureInterruptHandlers, isInterrupted, killGroup, trackChild } from './interrupt.js';
import { spawnWatched, type Watched, type WatchdogOptions, type WatchedEnd } from './watchdog.js';

/**
 * The one way this project runs a child process.
 *
 * - The child leads its own process group (`setsid`), so a timeout or a cancel kills the whole
 *   tree it spawned, not just the first process: SIGTERM to the group, then SIGKILL after a grace
 *   period. When the leader exits, stragglers it left in the group are killed too. With
 *   `watchdog`, the leader is a watchdog that also kills the group if this process dies.
 * - stdout and stderr are streamed to log files (create-new) while a sha256 and a byte count are
 *   computed, and only a bounded tail of each is kept in memory for the record.
 * - A spawn failure (missing command, bad cwd) is an outcome, not an exception.
 */
export type CommandOutcome = 'exited' | 'timeout' | 'cancelled' | 'spawn-failed';

export { boundTail, DEFAULT_TAIL_BYTES } from './exec-output.js';
export { INTERRUPT_GRACE_MS, onInterrupt } from './interrupt.js';

export interface RunCommandOptions {
  command: string;
  args?: readonly string[];
  cwd: string;
  /** The complete environment of the child (see `cleanEnv`); defaults to this process's. */
  env?: NodeJS.ProcessEnv;
  /** Kill the process group after this many milliseconds (0 or undefined: no limit). */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL (default 2000 ms). */
  killGraceMs?: number;
  /** Directory for `<logName>.stdout.log` and `<logName>.stderr.log` (created if missing). */
  logDir?: string;
  logName?: string;
  /** Bytes of each stream kept in memory (default 8 KiB). */
  tailBytes?: number;
  /** Keep the whole of stdout in memory (up to 64 MiB) as `stdoutFull`, for commands whose output is data. */
  keepStdout?: boolean;
  /** What the child reads on stdin: all at once, or streamed as the iterable yields it. */
  input?: string | Uint8Array | AsyncIterable<string | Uint8Array>;
  /** Aborting kills the process group; the outcome is then `cancelled`. */
  signal?: AbortSignal;
  /**
   * Rewrites each stderr line before it is logged (return null to drop it). Used to turn Nix's
   * `--log-format internal-json` into readable text while reporting progress.
   */
  stderrLine?: (line: string) => string | null;
  /**
   * When it ends, also kill the processes it started that left its process group (setsid), found
   * by a token in their environment (escapees.ts). For commands we do not control: checks.
   */
  reap?: boolean;
  /**
   * Start the command under a watchdog that kills its process group when this process dies,
   * however it dies (SIGKILL, the OOM killer), within the grace (watchdog.ts). For commands
   * that could run on for long at a cost: generators, and the gates' checks (Nix builds, operator
   * checks). `{ node }` names the Node.js binary the watchdog runs on (default: this process's).
   */
  watchdog?: boolean | WatchdogOptions;
}

export interface CommandResult {
  command: string;
  args: string[];
  outcome: CommandOutcome;
  /** Exit status, or null when the child was killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The OS error when the command could not be started. */
  spawnError?: string;
  durationMs: number;
  stdout: string;
  stderr: string;
  stdoutBytes: number;
  stderrBytes: number;
  stdoutFull?: Buffer;
  stdoutLog?: LogRef;
  stderrLog?: LogRef;
  /** With `reap`: pids of processes it left running outside its group, killed when it ended. */
  reaped?: number[];
  /**
   * Why a log file could not be written (a full disk): the command was then stopped (outcome
   * `cancelled`) and the log removed, so its output is known only by the tail.
   */
  logError?: string;
  /** The errno code of the first log that failed (ENOSPC, EROFS, …), when it had one. */
  logErrorCode?: string;
}

export async function runCommand(opts: RunCommandOptions): Promise<CommandResult> {
  ensureInterruptHandlers();
  // Interrupted: the process is about to die of the signal; nothing more is started or reported.
  if (isInterrupted()) return new Promise<never>(() => undefined);
  const args = [...(opts.args ?? [])];
  const started = performance.now();
  // A log that cannot be written makes the run worthless as evidence: stop the command then.
  const logFailed = new AbortController();
  const sinkOpts = { ...opts, onLogFailure: () => logFailed.abort() };
  const out = new StreamSink(sinkOpts, 'stdout');
  // (When stdout's log could not be created, stderr's would fail the same way: said once.)
  const err = new StreamSink(out.logFailed ? { ...sinkOpts, logDir: undefined } : sinkOpts, 'stderr');
  const finish: Finish = (outcome, exitCode, signal, spawnError) => {
    const so = out.close();
    const se = err.close();
    const result: CommandResult = {
      command: opts.command,
      args,
      outcome,
      exitCode,
      signal,
      durationMs: Math.round(performance.now() - started),
      stdout: so.tail,
      stderr: se.tail,
      stdoutBytes: so.bytes,
      stderrBytes: se.bytes,
    };
    if (spawnError !== undefined) result.spawnError = spawnError;
    const logError = [so.logError, se.logError].filter((e) => e !== undefined).join('; ');
    if (logError) result.logError = logError;
    const logErrorCode = so.logErrorCode ?? se.logErrorCode;
    if (logErrorCode) result.logErrorCode = logErrorCode;
    if (so.full) result.stdoutFull = so.full;
    if (so.log) result.stdoutLog = so.log;
    if (se.log) result.stderrLog = se.log;
    return result;
  };
  if (opts.signal?.aborted) return finish('cancelled', null, null);
  // Logs that cannot be created: the command is not started (its output could not be kept as
  // evidence); the result carries the log's error, as for a write that fails mid-run.
  if (out.logFailed || err.logFailed) {
    out.discard();
    err.discard();
    return finish('cancelled', null, null);
  }
  const token = opts.reap ? newRunToken() : undefined;
  const env = token ? { ...(opts.env ?? process.env), [RUN_TOKEN_VARIABLE]: token } : (opts.env ?? process.env);
  let child: ChildProcess;
  let watched: Watched | undefined;
  try {
    if (opts.watchdog) {
      const spec = { command: opts.command, args, cwd: opts.cwd, env, graceMs: opts.killGraceMs ?? 2000 };
      watched = spawnWatched(spec, opts.watchdog === true ? {} : opts.watchdog);
      child = watched.child;
    } else {
      child = spawn(opts.command, args, {
        cwd: opts.cwd,
        env,
        detached: true, // setsid(): the child leads a new process group
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    }
  } catch (e) {
    return finish('spawn-failed', null, null, (e as Error).message);
  }
  if (!child.stdout || !child.stderr || !child.stdin) {
    // No pipes (EMFILE, ENFILE: this process or the system is out of file descriptors): Node
    // returns the child without its streams and emits the error on the next tick. Reading them
    // regardless was a TypeError that ended the whole run as error[internal].
    return new Promise((resolve) => child.once('error', (e: NodeJS.ErrnoException) => resolve(finish('spawn-failed', null, null, watched ? watched.spawnFailure(e) : `${e.code ?? 'error'}: ${e.message}`))));
  }
  child.stdout.on('data', (chunk: Buffer) => out.write(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.write(chunk));
  child.stdin.on('error', () => {
    /* the child may exit without reading its input */
  });
  const input = opts.input ?? '';
  if (typeof input === 'string' || input instanceof Uint8Array) child.stdin.end(input);
  else {
    pipeline(Readable.from(input), child.stdin).catch(() => {
      /* likewise: a child that exits early ends the stream */
    });
  }
  return supervise(child, opts, finish, token, logFailed.signal, watched);
}

/** The longest delay setTimeout honours (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

type Finish = (outcome: CommandOutcome, exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string) => CommandResult;

/** Waits for a spawned child, enforcing the timeout and the abort signal on its whole process group. */
function supervise(child: ChildProcess, opts: RunCommandOptions, finish: Finish, token: string | undefined, logFailed: AbortSignal, watched: Watched | undefined): Promise<CommandResult> {
  return new Promise<CommandResult>((resolvePromise) => {
    let outcome: CommandOutcome = 'exited';
    let settled = false;
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let reaped: number[] | undefined;
    const timers: NodeJS.Timeout[] = [];
    const pid = child.pid;
    trackChild(pid, token);
    const kill = (why: CommandOutcome) => {
      if (outcome === 'exited') outcome = why;
      killGroup(pid, 'SIGTERM');
      timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), opts.killGraceMs ?? 2000));
    };
    // Node fires a timer of more than 2^31-1 ms after 1 ms: such a timeout is as good as none.
    if (opts.timeoutMs && opts.timeoutMs > 0) timers.push(setTimeout(() => kill('timeout'), Math.min(opts.timeoutMs, MAX_TIMER_MS)));
    const onAbort = () => kill('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    logFailed.addEventListener('abort', onAbort, { once: true });
    const settle = (result: CommandResult) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      logFailed.removeEventListener('abort', onAbort);
      childExited(pid, token); // (after a spawn failure, or again: a no-op then)
      // An interrupted child's answer is the interruption's (interrupt.ts): never reported.
      if (!isInterrupted()) resolvePromise(result);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      // Only spawn failures arrive here before any exit (ENOENT, EACCES, bad cwd).
      if (exitInfo === undefined) settle(finish('spawn-failed', null, null, watched ? watched.spawnFailure(e) : `${e.code ?? 'error'}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      // Stragglers left in the group would hold our pipes open; the command is over.
      killGroup(pid, 'SIGKILL');
      if (token) reaped = reapEscapees(token);
      childExited(pid, token);
      // One that left the group (setsid) can hold them for ever: stop reading after the grace.
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, opts.killGraceMs ?? 2000),
      );
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      const own = exitInfo ?? { code, signal };
      // Watched: the command's own status, as its watchdog reported it.
      const info: WatchedEnd = watched ? watched.end(own, outcome !== 'exited') : own;
      if (info.spawnError !== undefined) return settle(finish('spawn-failed', null, null, info.spawnError));
      const result = finish(outcome, info.code, info.signal);
      if (reaped?.length) result.reaped = reaped;
      settle(result);
    });
  });
}

/**
 * Variables a check may see. Everything else (tokens, agent sockets, GIT_* overrides, editor
 * settings) is dropped. Nix and locale settings pass through so that the user's Nix
 * configuration (substituters, builders, store) applies unchanged.
 */
const PASS_THROUGH = new Set([
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR',
  'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_CONFIG_DIRS', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_RUNTIME_DIR',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'CURL_CA_BUNDLE',
]);

export function cleanEnv(base: NodeJS.ProcessEnv = process.env, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v === undefined) continue;
    if (PASS_THROUGH.has(k) || k.startsWith('NIX_')) env[k] = v;
  }
  return { ...env, ...extra };
}

/** One-line summary of a result for error messages. */
export function describeOutcome(r: CommandResult): string {
  if (r.logError) return `${r.command} was stopped: cannot write its log ${r.logError}`;
  if (r.outcome === 'spawn-failed') return `could not start ${r.command}: ${r.spawnError}`;
  if (r.outcome === 'timeout') return `${r.command} timed out after ${r.durationMs} ms`;
  if (r.outcome === 'cancelled') return `${r.command} was cancelled`;
  if (r.signal) return `${r.command} was killed by ${r.signal}`;
  return `${r.command} exited with ${r.exitCode}`;
}

/** Runs a plumbing command (git ls-files, nix eval, ...) and keeps its whole stdout. */
export async function captureCommand(opts: Omit<RunCommandOptions, 'keepStdout' | 'logDir'>): Promise<CommandResult & { stdoutFull: Buffer }> {
  const r = await runCommand({ ...opts, keepStdout: true });
  return { ...r, stdoutFull: r.stdoutFull ?? Buffer.alloc(0) };
}

/** True when the command ran to completion with exit status 0. */
export function succeeded(r: CommandResult): boolean {
  return r.outcome === 'exited' && r.exitCode === 0;
}
