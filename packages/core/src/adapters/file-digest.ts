import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { Sha256Digest } from '../canonical/digest.js';

export type FileDigest = { ok: true; sha256: Sha256Digest; bytes: number } | { ok: false; code: string; reason: string };

/**
 * sha256 and size of a file of any length (a check log), read in chunks so that a large log is
 * never held in memory. Only a regular file is read: a FIFO or device named in a record would
 * block or never end (O_NONBLOCK keeps the open itself from waiting on a FIFO).
 */
export function fileDigest(path: string): FileDigest {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, code, reason: code === 'ENOENT' ? 'no such file' : `cannot be opened (${code})` };
  }
  try {
    if (!fstatSync(fd).isFile()) return { ok: false, code: 'not-a-file', reason: 'not a regular file' };
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 20);
    let bytes = 0;
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      hash.update(buf.subarray(0, n));
      bytes += n;
    }
    return { ok: true, sha256: `sha256:${hash.digest('hex')}`, bytes };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, code, reason: `cannot be read (${code})` };
  } finally {
    closeSync(fd);
  }
}
