import { writeSync } from 'node:fs';
import { AosError } from './errors.js';
import { terminalText } from './terminal-text.js';

/**
 * Machine-readable output goes to stdout as pretty JSON plus a newline.
 * Written synchronously so that `process.exitCode` and piping never lose output.
 */
export function printJson(value: unknown): void {
  writeAll(1, `${JSON.stringify(value, null, 2)}\n`);
}

/** Plain text to stdout (tables, summaries, DOT, HTML). */
export function printText(text: string): void {
  writeAll(1, text.endsWith('\n') ? text : `${text}\n`);
}

/** Text to stdout exactly as given (no newline added): for output streamed in pieces. */
export function printRaw(text: string): void {
  writeAll(1, text);
}

/**
 * Plain text to stderr (error rendering). Error messages quote paths, names and values from the
 * user's files: their control and bidi characters are escaped (terminalText), so a file name
 * holding `ESC [2J` cannot clear the screen the error is read on.
 */
export function printErr(text: string): void {
  const safe = terminalText(text);
  writeAll(2, safe.endsWith('\n') ? safe : `${safe}\n`);
}

/**
 * Bytes to stdout exactly as given, piece after piece (output assembled from stored text, never
 * decoded: os-introspect's self-state). Small pieces are gathered into writes of up to
 * WRITE_BATCH bytes: a self-state of a large genome is thousands of pieces of a few KB, and one
 * write each (7000 on the bench tree) woke the reader of a pipe as often. Unlike the other print
 * functions, a pipe its reader has not emptied is waited on with timers, so that the event loop
 * runs meanwhile and a CLI's SIGINT, SIGTERM and SIGHUP handlers (core/adapters/interrupt.ts) can
 * end the run: waited on in this thread, `timeout 10 os-introspect | slow-reader` ran on until
 * the reader had read everything.
 */
export async function printBytes(chunks: readonly Uint8Array[]): Promise<void> {
  for (const batch of batches(chunks, WRITE_BATCH)) if ((await writeBytesAsync(1, batch)) === 'stopped') return;
}

/** Writes `chunks` to `fd` in order, gathered into writes of up to `max` bytes (one larger chunk is written alone). */
export function writeChunks(fd: number, chunks: readonly Uint8Array[], max = WRITE_BATCH): void {
  for (const batch of batches(chunks, max)) if (writeBytes(fd, batch) === 'stopped') return;
}

/** `chunks` gathered into buffers of up to `max` bytes (a larger chunk alone), in order. */
function* batches(chunks: readonly Uint8Array[], max: number): Generator<Uint8Array> {
  let batch: Uint8Array[] = [];
  let size = 0;
  const flush = (): Uint8Array | undefined => {
    const out = batch.length === 1 ? batch[0] : batch.length > 1 ? Buffer.concat(batch, size) : undefined;
    batch = [];
    size = 0;
    return out;
  };
  for (const c of chunks) {
    if (size + c.length > max) {
      const out = flush();
      if (out) yield out;
    }
    batch.push(c);
    size += c.length;
  }
  const out = flush();
  if (out) yield out;
}

const WRITE_BATCH = 1024 * 1024;

function writeAll(fd: number, text: string): void {
  writeBytes(fd, Buffer.from(text, 'utf8'));
}

/** What one write did: bytes written, AGAIN (a full non-blocking pipe), or stopped (nowhere to write to). */
type Wrote = number | typeof AGAIN | 'stopped';
const AGAIN = 'again';

/** Set once a write to stdout found its reader gone (EPIPE): later writes are not even tried. */
let stdoutGone = false;

/**
 * True once stdout's reader has gone away (`list … | head`): there is no one left to print for,
 * so a command printing record by record can stop reading. Before, each later record's write
 * failed with EPIPE on its own, and `mutation-journal list | head -c 100` on a 200,000-record
 * ledger took twice as long as listing it all to /dev/null.
 */
export function stdoutClosed(): boolean {
  return stdoutGone;
}

function writeSome(fd: number, buf: Uint8Array, off: number): Wrote {
  if (fd === 1 && stdoutGone) return 'stopped';
  try {
    return writeSync(fd, buf, off, buf.length - off);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') return AGAIN;
    if (code === 'EPIPE') {
      if (fd === 1) stdoutGone = true;
      return 'stopped'; // reader went away (e.g. `| head`): nothing more to say
    }
    if (fd === 2) return 'stopped'; // nowhere left to say it
    // Printing comes last: whatever the command recorded is recorded (`> /dev/full` gave
    // error[internal] ENOSPC, and a retry of an append would have stored its record twice).
    throw new AosError('output-failed', `cannot write to standard output (${code ?? String(e)})`, {
      hint: 'Check where standard output goes (a full disk, a closed file). The command itself ran: if it records something, look at the ledger before running it again.',
      cause: e,
    });
  }
}

/**
 * Writes `buf` to `fd` whole, yielding how many milliseconds to sleep whenever the pipe is full;
 * returns `stopped` when there is nowhere left to write. The caller sleeps: in this thread
 * (writeBytes) or on a timer (writeBytesAsync).
 *
 * Node makes a pipe on stdout non-blocking as soon as anything touches `process.stdout`, and a
 * write into a full one fails with EAGAIN; writing again at once spun a core for as long as the
 * reader was behind (`os-introspect | (sleep 5; wc -c)`: 4.9 s of CPU for a run of 0.3 s). A
 * reader that keeps up empties the pipe within SPIN_MS, so until then the write is tried again at
 * once; after that the writer sleeps, 1 ms, then twice as long each time up to MAX_SLEEP_MS,
 * until a write goes through.
 */
function* writing(fd: number, buf: Uint8Array): Generator<number, 'done' | 'stopped'> {
  let fullSince: number | undefined;
  let sleep = 0;
  for (let off = 0; off < buf.length; ) {
    const n = writeSome(fd, buf, off);
    if (n === 'stopped') return n;
    if (n !== AGAIN) {
      off += n;
      fullSince = undefined;
      sleep = 0;
      continue;
    }
    const now = performance.now();
    fullSince ??= now;
    if (now - fullSince < SPIN_MS) continue;
    sleep = Math.min(MAX_SLEEP_MS, sleep * 2 || 1);
    yield sleep;
  }
  return 'done';
}

const SPIN_MS = 0.25;
const MAX_SLEEP_MS = 16;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function writeBytes(fd: number, buf: Uint8Array): 'done' | 'stopped' {
  const w = writing(fd, buf);
  for (let step = w.next(); ; step = w.next()) {
    if (step.done) return step.value;
    Atomics.wait(sleeper, 0, 0, step.value);
  }
}

async function writeBytesAsync(fd: number, buf: Uint8Array): Promise<'done' | 'stopped'> {
  const w = writing(fd, buf);
  for (let step = w.next(); ; step = w.next()) {
    if (step.done) return step.value;
    await new Promise((resolve) => setTimeout(resolve, step.value));
  }
}
