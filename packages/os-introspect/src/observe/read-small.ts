import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { errCode } from './walk.js';

/**
 * Host files that hold a few settings (identity.json, observation.json) are read whole, but only
 * when they are regular files of a sane size: readFileSync of a link to /dev/zero or /dev/urandom
 * never ends, and took 16 GB of memory before the process aborted.
 */
export const MAX_SETTINGS_FILE_BYTES = 1024 * 1024;

export type SmallRead = { ok: true; text: string } | { ok: false; code: string; reason: string };

export function readSettingsFile(path: string, max = MAX_SETTINGS_FILE_BYTES): SmallRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { ok: false, code: errCode(e), reason: errCode(e) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, code: 'not-a-file', reason: `not a regular file (${st.isDirectory() ? 'a directory' : 'a device, FIFO or socket'})` };
    if (st.size > max) return tooLarge(st.size, max);
    // Read to the end, one byte beyond the limit at most: a file that grows meanwhile is refused.
    const buf = Buffer.allocUnsafe(max + 1);
    let total = 0;
    while (total < buf.length) {
      const n = readSync(fd, buf, total, buf.length - total, null);
      if (n === 0) break;
      total += n;
    }
    if (total > max) return tooLarge(total, max);
    return { ok: true, text: buf.subarray(0, total).toString('utf8') };
  } catch (e) {
    return { ok: false, code: errCode(e), reason: errCode(e) };
  } finally {
    closeSync(fd);
  }
}

function tooLarge(bytes: number, max: number): SmallRead {
  return { ok: false, code: 'too-large', reason: `${bytes} bytes or more; a settings file is at most ${max}` };
}
