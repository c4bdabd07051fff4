import { spawn } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRef } from '../schemas/common.js';

/**
 * The one way this project runs a child process.
 *
 * - The child leads its own process group (`setsid`), so a timeout or a cancel kills the whole
 *   tree it spawned, not just the first process: SIGTERM to the group, then SIGKILL after a grace
 *   period. When the leader exits, stragglers it left in the group are killed too.
 * - stdout and stderr are streamed to log files (create-new) while a sha256 and a byte count are
 *   computed, and only a bounded tail of each is kept in memory for the record.
 * - A spawn failure (missing command, bad cwd) is an outcome, not an exception.
 */
export type CommandOutcome = 'exited' | 'timeout' | 'cancelled' | 'spawn-failed';

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
  input?: string | Uint8Array;
  /** Aborting kills the process group; the outcome is then `cancelled`. */
  signal?: AbortSignal;
  /**
   * Rewrites each stderr line before it is logged (return null to drop it). Used to turn Nix's
   * `--log-format internal-json` into readable text while reporting progress.
   */
  stderrLine?: (line: string) => string | null;
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
}

export const DEFAULT_TAIL_BYTES = 8 * 1024;
const MAX_KEPT_STDOUT = 64 * 1024 * 1024;

/** Children still running, so that a signal to this process can take them down too. */
const live = new Set<number>();

export async function runCommand(opts: RunCommandOptions): Promise<CommandResult> {
  ensureChildCleanup();
  const args = [...(opts.args ?? [])];
  const started = performance.now();
  const out = new StreamSink(opts, 'stdout');
  const err = new StreamSink(opts, 'stderr');
  const finish = (outcome: CommandOutcome, exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: string) => {
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
    if (so.full) result.stdoutFull = so.full;
    if (so.log) result.stdoutLog = so.log;
    if (se.log) result.stderrLog = se.log;
    return result;
  };
  if (opts.signal?.aborted) return finish('cancelled', null, null);

  return new Promise<CommandResult>((resolvePromise) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(opts.command, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        detached: true, // setsid(): the child leads a new process group
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      resolvePromise(finish('spawn-failed', null, null, (e as Error).message));
      return;
    }
    let outcome: CommandOutcome = 'exited';
    let settled = false;
    let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const timers: NodeJS.Timeout[] = [];
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);

    const kill = (why: CommandOutcome) => {
      if (outcome === 'exited') outcome = why;
      killGroup(pid, 'SIGTERM');
      timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), opts.killGraceMs ?? 2000));
    };
    if (opts.timeoutMs && opts.timeoutMs > 0) timers.push(setTimeout(() => kill('timeout'), opts.timeoutMs));
    const onAbort = () => kill('cancelled');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    const settle = (result: CommandResult) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      if (pid !== undefined) live.delete(pid);
      resolvePromise(result);
    };

    child.stdout!.on('data', (chunk: Buffer) => out.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.write(chunk));
    child.stdin!.on('error', () => {
      /* the child may exit without reading its input */
    });
    child.stdin!.end(opts.input ?? '');

    child.on('error', (e: NodeJS.ErrnoException) => {
      // Only spawn failures arrive here before any exit (ENOENT, EACCES, bad cwd).
      if (exitInfo === undefined) settle(finish('spawn-failed', null, null, `${e.code ?? 'error'}: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      // Stragglers left in the group would hold our pipes open; the check is over.
      killGroup(pid, 'SIGKILL');
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      const info = exitInfo ?? { code, signal };
      settle(finish(outcome, info.code, info.signal));
    });
  });
}

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    /* the group is already gone */
  }
}

/**
 * Synchronous clean-ups run when this process is interrupted (SIGINT, SIGTERM, SIGHUP), before it
 * dies of the same signal: running children are killed (they lead their own groups, so the
 * terminal's signal never reaches them) and callers can remove temporary directories.
 * Returns a function that unregisters the clean-up.
 */
const cleanups = new Set<() => void>();
let hooked = false;

export function onInterrupt(fn: () => void): () => void {
  cleanups.add(fn);
  if (!hooked) {
    hooked = true;
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(sig, () => {
        for (const pid of live) killGroup(pid, 'SIGKILL');
        for (const f of [...cleanups].reverse()) {
          try {
            f();
          } catch {
            /* keep cleaning up */
          }
        }
        process.kill(process.pid, sig);
      });
    }
  }
  return () => cleanups.delete(fn);
}

function ensureChildCleanup(): void {
  if (!hooked) onInterrupt(() => undefined);
}

/** Collects one output stream: log file with digest and size, bounded tail, optional full copy. */
class StreamSink {
  private readonly hash: Hash = createHash('sha256');
  private readonly tailLimit: number;
  private tail: Buffer[] = [];
  private tailLen = 0;
  private bytes = 0;
  private fd: number | undefined;
  private readonly path: string | undefined;
  private full: Buffer[] | undefined;
  private fullLen = 0;
  private pending = '';
  private readonly transform: ((line: string) => string | null) | undefined;

  constructor(opts: RunCommandOptions, which: 'stdout' | 'stderr') {
    this.tailLimit = opts.tailBytes ?? DEFAULT_TAIL_BYTES;
    if (which === 'stdout' && opts.keepStdout) this.full = [];
    if (which === 'stderr') this.transform = opts.stderrLine;
    if (opts.logDir !== undefined) {
      mkdirSync(opts.logDir, { recursive: true });
      this.path = join(opts.logDir, `${opts.logName ?? 'command'}.${which}.log`);
      this.fd = openSync(this.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    }
  }

  write(chunk: Buffer): void {
    if (this.full && this.fullLen + chunk.length <= MAX_KEPT_STDOUT) {
      this.full.push(chunk);
      this.fullLen += chunk.length;
    }
    if (!this.transform) return this.record(chunk);
    const text = this.pending + chunk.toString('utf8');
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.recordLine(line);
  }

  close(): { tail: string; bytes: number; log?: LogRef; full?: Buffer } {
    if (this.pending !== '') this.recordLine(this.pending, false);
    this.pending = '';
    let log: LogRef | undefined;
    if (this.fd !== undefined && this.path !== undefined) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = undefined;
      log = { path: this.path, sha256: `sha256:${this.hash.digest('hex')}`, bytes: this.bytes };
    }
    const res: { tail: string; bytes: number; log?: LogRef; full?: Buffer } = {
      tail: decodeTail(Buffer.concat(this.tail), this.tailLimit),
      bytes: this.bytes,
    };
    if (log) res.log = log;
    if (this.full) res.full = Buffer.concat(this.full);
    return res;
  }

  private recordLine(line: string, newline = true): void {
    const shown = this.transform!(line);
    if (shown === null) return;
    this.record(Buffer.from(newline ? `${shown}\n` : shown, 'utf8'));
  }

  private record(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.fd !== undefined) {
      this.hash.update(chunk);
      let off = 0;
      while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    }
    this.tail.push(chunk);
    this.tailLen += chunk.length;
    while (this.tail.length > 1 && this.tailLen - this.tail[0]!.length >= this.tailLimit) {
      this.tailLen -= this.tail.shift()!.length;
    }
  }
}

/** The last bytes of a stream as text, starting on a UTF-8 character boundary. */
function decodeTail(buf: Buffer, limit = Number.POSITIVE_INFINITY): string {
  let start = Math.max(0, buf.length - Math.min(limit, buf.length));
  while (start < buf.length && start > 0 && (buf[start]! & 0xc0) === 0x80) start++;
  return buf.subarray(start).toString('utf8');
}

/** Trims a decoded tail to at most `limit` bytes (the sink keeps whole chunks, so it can hold a little more). */
export function boundTail(text: string, limit = DEFAULT_TAIL_BYTES): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= limit) return text;
  return decodeTail(buf, limit);
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
