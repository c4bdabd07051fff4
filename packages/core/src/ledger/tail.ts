import { fstatSync, readSync } from 'node:fs';
import { isBlank } from './lines.js';

/**
 * Finds the last line of an open ledger by reading backwards from the end, so an append costs
 * the same on a 10-line and a 10,000,000-line ledger. Trailing blank lines are skipped, as every
 * reader skips them.
 */
export type Tail =
  | { kind: 'empty'; size: number }
  /** The file does not end with a newline: a torn final write. `offset` is where that line starts. */
  | { kind: 'unterminated'; size: number; offset: number; bytes: Buffer }
  /** The last non-blank line, complete. */
  | { kind: 'line'; size: number; offset: number; bytes: Buffer };

const WINDOW = 64 * 1024;

/** `firstWindow`: the bytes read first (then four times as many, until the line is found). */
export function readTail(fd: number, size: number = fstatSync(fd).size, firstWindow = WINDOW): Tail {
  if (size === 0) return { kind: 'empty', size };
  let window = Math.min(firstWindow, size);
  for (;;) {
    const start = size - window;
    const buf = Buffer.allocUnsafe(window);
    readFully(fd, buf, start);
    const found = lastLine(buf, start, size);
    if (found) return found;
    if (start === 0) return { kind: 'empty', size }; // only blank lines
    window = Math.min(window * 4, size);
  }
}

/** The last line within `buf` (which ends at the end of the file), or undefined if it may start earlier. */
function lastLine(buf: Buffer, start: number, size: number): Tail | undefined {
  let end = buf.length;
  if (buf[end - 1] !== 0x0a) {
    const nl = buf.lastIndexOf(0x0a, end - 1);
    if (nl === -1 && start > 0) return undefined;
    const from = nl + 1;
    return { kind: 'unterminated', size, offset: start + from, bytes: buf.subarray(from, end) };
  }
  for (;;) {
    const lineEnd = end - 1; // index of the newline ending this line
    const nl = lineEnd === 0 ? -1 : buf.lastIndexOf(0x0a, lineEnd - 1);
    if (nl === -1 && start > 0) return undefined;
    const bytes = buf.subarray(nl + 1, lineEnd);
    if (!isBlank(bytes)) return { kind: 'line', size, offset: start + nl + 1, bytes };
    if (nl === -1) return { kind: 'empty', size };
    end = nl + 1;
  }
}

function readFully(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (n === 0) throw new Error(`unexpected end of file at byte ${position + off}`);
    off += n;
  }
}

/** The 1-based line number of the line starting at byte `offset` (reads the file up to there; for error messages). */
export function lineNoAt(fd: number, offset: number): number {
  const buf = Buffer.allocUnsafe(Math.min(WINDOW, Math.max(1, offset)));
  let no = 1;
  for (let at = 0; at < offset; ) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, offset - at), at);
    if (n === 0) break;
    for (let i = buf.indexOf(0x0a); i !== -1 && i < n; i = buf.indexOf(0x0a, i + 1)) no++;
    at += n;
  }
  return no;
}
