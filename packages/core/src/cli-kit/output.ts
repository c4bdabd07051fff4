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
 * decoded). Small pieces are gathered into writes of up to WRITE_BATCH bytes: a self-state of a
 * large genome is thousands of pieces of a few KB, and one write each (7000 on the bench tree)
 * woke the reader of a pipe as often.
 */
export function printBytes(chunks: readonly Uint8Array[]): void {
  writeChunks(1, chunks);
}

/** Writes `chunks` to `fd` in order, gathered into writes of up to `max` bytes (one larger chunk is written alone). */
export function writeChunks(fd: number, chunks: readonly Uint8Array[], max = WRITE_BATCH): void {
  let batch: Uint8Array[] = [];
  let size = 0;
  const flush = (): void => {
    if (batch.length === 1) writeBytes(fd, batch[0]!);
    else if (batch.length > 1) writeBytes(fd, Buffer.concat(batch, size));
    batch = [];
    size = 0;
  };
  for (const c of chunks) {
    if (size + c.length > max) flush();
    batch.push(c);
    size += c.length;
  }
  flush();
}

const WRITE_BATCH = 1024 * 1024;

function writeAll(fd: number, text: string): void {
  writeBytes(fd, Buffer.from(text, 'utf8'));
}

function writeBytes(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EPIPE') return; // reader went away (e.g. `| head`): nothing more to say
      if (fd === 2) return; // nowhere left to say it
      // Printing comes last: whatever the command recorded is recorded (`> /dev/full` gave
      // error[internal] ENOSPC, and a retry of an append would have stored its record twice).
      throw new AosError('output-failed', `cannot write to standard output (${code ?? String(e)})`, {
        hint: 'Check where standard output goes (a full disk, a closed file). The command itself ran: if it records something, look at the ledger before running it again.',
        cause: e,
      });
    }
  }
}
