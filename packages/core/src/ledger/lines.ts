import { open } from 'node:fs/promises';

/**
 * Streaming reads of JSONL ledgers. The file is read in fixed-size chunks cut at line ends, so a
 * 1,000,000-line ledger is never held in memory and callers pay one await per chunk, not per
 * line. Line numbers are physical (1-based, blank lines counted), so they match `sed -n Np` and
 * editors.
 */
export interface RawLine {
  /** 1-based physical line number. */
  no: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** The line's bytes without the newline. */
  bytes: Buffer;
  /** False for a final line with no trailing newline (a torn write, see docs/ledger.md). */
  terminated: boolean;
  /** Only spaces, tabs and carriage returns (or nothing): skipped by every reader. */
  blank: boolean;
}

/** A run of complete lines (ending with a newline), or the final unterminated remainder. */
export interface Chunk {
  data: Buffer;
  /** Byte offset of data[0] in the file. */
  base: number;
  /** Line number of the first line in data. */
  firstNo: number;
  /** Number of lines in data. */
  lines: number;
  /** The unterminated last line of the file (a torn write). */
  final: boolean;
}

const CHUNK = 256 << 10;
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
 * Reads `file` up to `limit` bytes (default: its size when opened, so a concurrent append is
 * either wholly seen or not at all) as chunks of complete lines. Throws ENOENT when missing.
 */
export async function* readChunks(file: string, limit?: number, chunkSize: number = CHUNK): AsyncGenerator<Chunk> {
  const fh = await open(file, 'r');
  const end = limit ?? (await fh.stat()).size;
  // Read ahead: the next chunk is already being read while this one is processed. Each chunk is
  // read after some free room, where the previous chunk's unfinished last line is copied, so
  // joining them copies that line rather than the whole chunk.
  const readAt = async (at: number): Promise<Buffer> => {
    const len = Math.min(chunkSize, end - at);
    const room = Buffer.allocUnsafe(CARRY_ROOM + len);
    const { bytesRead } = await fh.read(room, CARRY_ROOM, len, at);
    return room.subarray(CARRY_ROOM, CARRY_ROOM + bytesRead);
  };
  let ahead: Promise<Buffer> | undefined = end > 0 ? readAt(0) : undefined;
  try {
    let pos = 0;
    let carry: Buffer | undefined;
    let no = 1;
    while (ahead) {
      const got = await ahead;
      ahead = undefined;
      if (got.length === 0) break; // truncated under us: stop at what exists
      const base = pos - (carry?.length ?? 0);
      pos += got.length;
      if (pos < end) ahead = readAt(pos);
      const data = carry ? joined(carry, got) : got;
      const last = data.lastIndexOf(10);
      carry = last + 1 < data.length ? data.subarray(last + 1) : undefined;
      if (carry && carry.length > MAX_LINE_BYTES) throw new LineTooLong(no + countNewlines(data, last + 1), base + last + 1);
      if (last === -1) continue;
      const lines = countNewlines(data, last + 1);
      yield { data: data.subarray(0, last + 1), base, firstNo: no, lines, final: false };
      no += lines;
    }
    if (carry) yield { data: carry, base: pos - carry.length, firstNo: no, lines: 1, final: true };
  } finally {
    await ahead?.catch(() => undefined); // never close the file under a read in flight
    await fh.close();
  }
}

/** Room kept before each chunk read for the line carried over from the previous chunk. */
const CARRY_ROOM = 64 << 10;

/** `carry` then `got` (read by readAt, so CARRY_ROOM bytes of its allocation precede it): in that room when the carry fits. */
function joined(carry: Buffer, got: Buffer): Buffer {
  if (carry.length > CARRY_ROOM) return Buffer.concat([carry, got]);
  const data = Buffer.from(got.buffer, got.byteOffset - carry.length, carry.length + got.length);
  carry.copy(data, 0);
  return data;
}

/** Calls `each` for every line of a chunk, synchronously, without building arrays. */
export function forEachLine(chunk: Chunk, each: (no: number, offset: number, bytes: Buffer, terminated: boolean) => void): void {
  if (chunk.final) {
    each(chunk.firstNo, chunk.base, chunk.data, false);
    return;
  }
  const { data } = chunk;
  let no = chunk.firstNo;
  let start = 0;
  for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
    each(no++, chunk.base + start, data.subarray(start, nl), true);
    start = nl + 1;
  }
}

/** The lines of `file` in batches (one per chunk). */
export async function* scanLines(file: string, limit?: number): AsyncGenerator<RawLine[]> {
  for await (const chunk of readChunks(file, limit)) {
    const batch: RawLine[] = [];
    forEachLine(chunk, (no, offset, bytes, terminated) => batch.push({ no, offset, bytes, terminated, blank: isBlank(bytes) }));
    yield batch;
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

export function countNewlines(buf: Buffer, end: number): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1 && i < end; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
