import { createHash } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, futimesSync, openSync, readFileSync, readlinkSync, readSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isNoRoom, makeDirs } from '@autopoietic/core/adapters';
import { AosError } from '@autopoietic/core/cli-kit';
import type { FileSet } from './fileset.js';
import type { TreeEntry } from './fingerprint.js';

/**
 * Copies the file set from the live root into the candidate directory, hashing each file from
 * the same bytes it writes, so the fingerprint describes exactly what was copied. Files are
 * opened with O_NOFOLLOW and checked with fstat, so a file swapped for a symlink mid-copy is not
 * followed. Only the executable bit of the mode is kept (it is all git and Nix see). Each copy
 * keeps its source's modification time, as `cp -p` would: a file written in the same second as
 * the candidate's index would otherwise be "racily clean" for git, which then re-hashes every
 * such file on every index write (~40 ms per write for 2,000 files).
 * Synchronous, in chunks: thousands of small files copy faster in one tight loop than through
 * the thread pool; between chunks the event loop runs once, so that `onCopied` can hand the
 * finished files to another process (git hashing them for the index) while the next chunk is
 * copied.
 */
export interface Materialised {
  entries: TreeEntry[];
  skipped: { path: string; why: string }[];
  bytes: number;
}

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
const READ_NO_FOLLOW = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CHUNK = 128;

export async function materialise(set: FileSet, dest: string, onCopied?: (entries: readonly TreeEntry[]) => void): Promise<Materialised> {
  const umask = currentUmask();
  const dirs = new Set<string>();
  for (const p of set.paths) dirs.add(dirname(join(dest, p)));
  for (const d of [...dirs].sort()) makeDirs(d, 0o755);
  const entries: TreeEntry[] = [];
  const skipped: { path: string; why: string }[] = [];
  let bytes = 0;
  let handed = 0;
  for (const path of set.paths) {
    const r = copyOne(join(set.root, path), join(dest, path), path, umask);
    if ('why' in r) skipped.push(r);
    else {
      entries.push(r);
      if (r.kind === 'file') bytes += r.bytes;
    }
    if (onCopied && entries.length - handed >= CHUNK) {
      onCopied(entries.slice(handed));
      handed = entries.length;
      await new Promise<void>((r) => setImmediate(r));
    }
  }
  if (onCopied && entries.length > handed) onCopied(entries.slice(handed));
  return { entries, skipped, bytes };
}

function copyOne(src: string, dst: string, path: string, umask: number | undefined): TreeEntry | { path: string; why: string } {
  // One open decides the kind: O_NOFOLLOW fails on a symlink (ELOOP), O_NONBLOCK keeps a FIFO
  // from blocking, and fstat on the open descriptor is what the bytes really are.
  let fd: number;
  try {
    fd = openSync(src, READ_NO_FOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, why: 'deleted in the work tree' };
    if (code === 'ELOOP') return copyLink(src, dst, path);
    throw copyError(path, e);
  }
  let data: Buffer;
  let executable: boolean;
  let times: [number, number];
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { path, why: 'a directory (nested repository or submodule): not copied' };
    if (!st.isFile()) return { path, why: 'not a regular file or symlink' };
    executable = (st.mode & 0o111) !== 0;
    times = [st.atimeMs / 1000, st.mtimeMs / 1000];
    data = readAll(fd, st.size);
  } catch (e) {
    throw copyError(path, e);
  } finally {
    closeSync(fd);
  }
  const mode = executable ? 0o755 : 0o644;
  try {
    const out = openSync(dst, CREATE_NEW, mode);
    try {
      writeFileSync(out, data);
      // The umask must not change what git and Nix see (the usual 022 leaves these modes alone).
      if (umask === undefined || (mode & umask) !== 0) fchmodSync(out, mode);
      futimesSync(out, ...times);
    } finally {
      closeSync(out);
    }
  } catch (e) {
    throw copyError(path, e);
  }
  return { path, kind: 'file', executable, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length };
}

/** The file's bytes: as many as fstat reported (one read), fewer if it shrank meanwhile. */
function readAll(fd: number, size: number): Buffer {
  const buf = Buffer.allocUnsafeSlow(size);
  let got = 0;
  while (got < size) {
    const n = readSync(fd, buf, got, size - got, null);
    if (n === 0) return buf.subarray(0, got);
    got += n;
  }
  return buf;
}

/** This process's umask, read without changing it (`process.umask()` briefly sets it to 0); undefined when unknown. */
function currentUmask(): number | undefined {
  try {
    const m = /^Umask:\s*([0-7]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number.parseInt(m[1]!, 8) : undefined;
  } catch {
    return undefined;
  }
}

function copyLink(src: string, dst: string, path: string): TreeEntry {
  try {
    const target = readlinkSync(src);
    symlinkSync(target, dst);
    return { path, kind: 'symlink', target };
  } catch (e) {
    throw copyError(path, e);
  }
}

/** The OS error is the cause (describeError shows it once: in the message too, it was said twice). */
function copyError(path: string, e: unknown): AosError {
  const full = isNoRoom(e);
  return new AosError('candidate-copy-failed', `cannot copy ${path}${full ? ' into the candidate (its file system is full)' : ''}`, {
    hint: full
      ? 'Free space where the candidate is made (--work-dir, else $TMPDIR), or give --work-dir a directory with room for a copy of the genome.'
      : 'Check that every file in the genome is readable by this user; files that change during verify make it fail.',
    cause: e,
  });
}
