import { crc32 } from 'node:zlib';

/**
 * Checksums for the parse cache. The cache is written without fsync (it is not a record), so a
 * crash can leave zeros or stale blocks in a file whose size is right, and a hand edit can leave
 * JSON that still parses: either would be trusted and printed. A CRC-32 of what was written
 * (native, a few GB/s) catches both; it is not a defence against someone who rewrites the cache
 * on purpose, which the memory directory's permissions are for.
 */
export function checksum(data: string | Uint8Array): string {
  return crc32(data).toString(16).padStart(8, '0');
}

/** A CRC-32 over several buffers, as if they were one. */
export function checksumOf(chunks: Uint8Array[]): string {
  let crc = 0;
  for (const c of chunks) crc = crc32(c, crc);
  return crc.toString(16).padStart(8, '0');
}

/** The text after the digest on an object pack line: `<checksum of json> <json>`. */
export function packBody(json: string): string {
  return `${checksum(json)} ${json}`;
}

/**
 * A whole pack line, `<digest> <checksum of json> <json>\n`, as UTF-8: the JSON is encoded once,
 * straight into the line, and checksummed as bytes (the same CRC as packBody's, which zlib takes
 * over the UTF-8 of a string), instead of once for the checksum and again for the line.
 */
export function packLine(digest: string, json: string): Uint8Array {
  const at = digest.length + 10; // `<digest> <8 hex digits> `
  const size = Buffer.byteLength(json, 'utf8');
  const line = Buffer.allocUnsafe(at + size + 1);
  line.write(json, at, 'utf8');
  line.write(`${digest} ${checksum(line.subarray(at, at + size))} `, 0, 'latin1'); // hex digits and spaces
  line[at + size] = 0x0a;
  return line;
}

/** The JSON of a pack line body, when its checksum matches; undefined otherwise. */
export function checkedJson(body: string): string | undefined {
  if (body.length < 10 || body.charCodeAt(8) !== 0x20) return undefined;
  const json = body.slice(9);
  return checksum(json) === body.slice(0, 8) ? json : undefined;
}
