import { open } from 'node:fs/promises';

/**
 * Streaming line scanner for JSONL ledgers. Reads fixed-size chunks and yields the complete lines
 * of each chunk as one batch, so a 1,000,000-line ledger is never held in memory and callers pay
 * one await per chunk, not per line. Line numbers are physical (1-based, blank lines counted), so
 * they match `sed -n Np` and editors.
 */
export interface RawLine {
  /** 1-based physical line number. */
  no: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** The line's bytes without the newline. Valid only until the next batch is requested. */
  bytes: Buffer;
  /** False for a final line with no trailing newline (a torn write, see docs/ledger.md). */
  terminated: boolean;
  /** Only spaces, tabs and carriage returns (or nothing): skipped by every reader. */
  blank: boolean;
}

const CHUNK = 1 << 20;
/** A line longer than this is treated as corruption rather than buffered without bound. */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

export class LineTooLong extends Error {
  constructor(
    readonly no: number,
    readonly offset: number,
  ) {
    super(`line ${no} is longer than ${MAX_LINE_BYTES} bytes`);
  }
}

/**
 * Yields batches of lines of `file` up to `limit` bytes (default: the size when opened, so a
 * concurrent append is either wholly seen or not at all). Throws ENOENT when the file is missing.
 */
export async function* scanLines(file: string, limit?: number): AsyncGenerator<RawLine[]> {
  const fh = await open(file, 'r');
  try {
    const end = limit ?? (await fh.stat()).size;
    let pos = 0;
    let carry: Buffer | undefined;
    let carryOffset = 0;
    let no = 0;
    while (pos < end) {
      const want = Math.min(CHUNK, end - pos);
      const chunk = Buffer.allocUnsafe(want);
      const { bytesRead } = await fh.read(chunk, 0, want, pos);
      if (bytesRead === 0) break; // truncated under us: stop at what exists
      pos += bytesRead;
      const data = carry ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const base = carry ? carryOffset : pos - bytesRead;
      const batch: RawLine[] = [];
      let start = 0;
      for (let nl = data.indexOf(10, start); nl !== -1; nl = data.indexOf(10, start)) {
        const bytes = data.subarray(start, nl);
        batch.push({ no: ++no, offset: base + start, bytes, terminated: true, blank: isBlank(bytes) });
        start = nl + 1;
      }
      carry = start < data.length ? data.subarray(start) : undefined;
      carryOffset = base + start;
      if (carry && carry.length > MAX_LINE_BYTES) throw new LineTooLong(no + 1, carryOffset);
      if (batch.length) yield batch;
    }
    if (carry && carry.length) {
      yield [{ no: no + 1, offset: carryOffset, bytes: carry, terminated: false, blank: isBlank(carry) }];
    }
  } finally {
    await fh.close();
  }
}

/** True when every byte is a space, tab or carriage return (an empty line too). */
export function isBlank(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}
