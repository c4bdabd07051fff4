import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { LogRef } from '../schemas/common.js';
import { errnoOf } from './errno.js';
import { makeDirs } from './make-dirs.js';

/**
 * The output side of runCommand (exec.ts): each stream goes to a log file created new, with its
 * sha256 and byte count computed on the way, while only a bounded tail is kept in memory (and,
 * for commands whose output is data, the whole of stdout up to 64 MiB).
 */
export const DEFAULT_TAIL_BYTES = 8 * 1024;
const MAX_KEPT_STDOUT = 64 * 1024 * 1024;

export interface SinkOptions {
  logDir?: string | undefined;
  logName?: string | undefined;
  tailBytes?: number | undefined;
  keepStdout?: boolean | undefined;
  stderrLine?: ((line: string) => string | null) | undefined;
  /** Called once when the log file cannot be written (a full disk): the command may as well stop. */
  onLogFailure?: (() => void) | undefined;
}

export interface SinkResult {
  tail: string;
  bytes: number;
  log?: LogRef;
  full?: Buffer;
  /** Why the log file could not be written (it is then removed: a log cut short is no evidence). */
  logError?: string;
  /** The errno code of that failure (ENOSPC, EROFS, …), when it had one: it decides the remedy. */
  logErrorCode?: string;
}

/** Collects one output stream: log file with digest and size, bounded tail, optional full copy. */
export class StreamSink {
  private readonly hash: Hash = createHash('sha256');
  private readonly tailLimit: number;
  private tail: Buffer[] = [];
  private tailLen = 0;
  private bytes = 0;
  private fd: number | undefined;
  private readonly path: string | undefined;
  private full: Buffer[] | undefined;
  private fullLen = 0;
  private fullCut = false;
  private pending = '';
  private readonly transform: ((line: string) => string | null) | undefined;
  private readonly onLogFailure: (() => void) | undefined;
  private logError: string | undefined;
  private logErrorCode: string | undefined;

  constructor(opts: SinkOptions, which: 'stdout' | 'stderr') {
    this.tailLimit = opts.tailBytes ?? DEFAULT_TAIL_BYTES;
    if (which === 'stdout' && opts.keepStdout) this.full = [];
    if (which === 'stderr') this.transform = opts.stderrLine;
    this.onLogFailure = opts.onLogFailure;
    if (opts.logDir !== undefined) {
      this.path = join(opts.logDir, `${opts.logName ?? 'command'}.${which}.log`);
      try {
        makeDirs(opts.logDir);
        this.fd = openSync(this.path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
      } catch (e) {
        // A log that cannot even be created (a memory dir refusing new entries) is kept as this
        // sink's failure, like a write that fails: the caller then does not start the command.
        this.failLog(e);
      }
    }
  }

  /** Whether this sink's log failed (to be created, or written). */
  get logFailed(): boolean {
    return this.logError !== undefined;
  }

  /** Closes and removes this sink's log, keeping no failure of its own: the command never ran. */
  discard(): void {
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
      if (this.path !== undefined) unlinkSync(this.path);
    } catch {
      /* best effort: an empty log of a command that never ran */
    }
    this.fd = undefined;
  }

  write(chunk: Buffer): void {
    if (this.full && !this.fullCut) {
      if (this.fullLen + chunk.length <= MAX_KEPT_STDOUT) {
        this.full.push(chunk);
        this.fullLen += chunk.length;
      } else {
        // Kept output is a prefix of the stream: a later, smaller chunk must not leave a hole.
        // (`bytes` still counts everything, so callers see that it was cut.)
        this.fullCut = true;
      }
    }
    if (!this.transform) {
      this.record(chunk);
      return;
    }
    const text = this.pending + chunk.toString('utf8');
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.recordLine(line);
  }

  close(): SinkResult {
    if (this.pending !== '') this.recordLine(this.pending, false);
    this.pending = '';
    let log: LogRef | undefined;
    if (this.fd !== undefined && this.path !== undefined) {
      try {
        fsyncSync(this.fd);
        closeSync(this.fd);
        this.fd = undefined;
        log = { path: this.path, sha256: `sha256:${this.hash.digest('hex')}`, bytes: this.bytes };
      } catch (e) {
        this.failLog(e);
      }
    }
    const res: SinkResult = {
      tail: decodeTail(Buffer.concat(this.tail), this.tailLimit),
      bytes: this.bytes,
    };
    if (log) res.log = log;
    if (this.logError !== undefined) res.logError = this.logError;
    if (this.logErrorCode !== undefined) res.logErrorCode = this.logErrorCode;
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
      try {
        let off = 0;
        while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
      } catch (e) {
        this.failLog(e);
      }
    }
    this.tail.push(chunk);
    this.tailLen += chunk.length;
    while (this.tail.length > 1 && this.tailLen - this.tail[0]!.length >= this.tailLimit) {
      this.tailLen -= this.tail.shift()!.length;
    }
  }

  /**
   * A write that failed (ENOSPC, EFBIG, EIO) was thrown from a stream 'data' handler, where it
   * crashed the whole process and left the candidate behind. Now the log is closed and removed
   * (which also gives the space back for the record), the failure is kept for the result, and
   * the owner is told once; the rest of the stream only goes to the tail.
   */
  private failLog(e: unknown): void {
    const err = e as NodeJS.ErrnoException;
    this.logError = `${this.path}: ${err.message}`; // (an fs error's message starts with its code)
    this.logErrorCode = errnoOf(err);
    // Only a log this sink created is removed: a failed O_EXCL open names someone else's file.
    const created = this.fd !== undefined;
    try {
      if (created) closeSync(this.fd!);
    } catch {
      /* the error above is the one to report */
    }
    this.fd = undefined;
    try {
      if (created && this.path !== undefined) unlinkSync(this.path);
    } catch {
      /* already gone */
    }
    this.onLogFailure?.();
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

