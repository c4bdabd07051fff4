import { createHash } from 'node:crypto';
import { constants, mkdirSync } from 'node:fs';
import { lstat, open, readlink, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gitBlobId } from '@autopoietic/core/adapters';
import { AosError } from '@autopoietic/core/cli-kit';
import type { FileSet } from './fileset.js';
import type { TreeEntry } from './fingerprint.js';

/**
 * Copies the file set from the live root into the candidate directory, hashing each file from
 * the same bytes it writes, so the fingerprint describes exactly what was copied. Files are
 * opened with O_NOFOLLOW and checked with fstat, so a file swapped for a symlink mid-copy is not
 * followed. Only the executable bit of the mode is kept (it is all git and Nix see).
 */
export interface Materialised {
  entries: TreeEntry[];
  skipped: { path: string; why: string }[];
  bytes: number;
}

const CONCURRENCY = 32;

export async function materialise(set: FileSet, dest: string): Promise<Materialised> {
  const dirs = new Set<string>();
  for (const p of set.paths) dirs.add(dirname(join(dest, p)));
  for (const d of [...dirs].sort()) mkdirSync(d, { recursive: true, mode: 0o755 });
  const entries: TreeEntry[] = [];
  const skipped: { path: string; why: string }[] = [];
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < set.paths.length; i = next++) {
      const path = set.paths[i]!;
      const r = await copyOne(join(set.root, path), join(dest, path), path);
      if ('why' in r) skipped.push(r);
      else {
        entries.push(r);
        if (r.kind === 'file') bytes += r.bytes;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { entries, skipped, bytes };
}

async function copyOne(src: string, dst: string, path: string): Promise<TreeEntry | { path: string; why: string }> {
  let st;
  try {
    st = await lstat(src);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path, why: 'deleted in the work tree' };
    throw copyError(path, e);
  }
  if (st.isSymbolicLink()) {
    const target = await readlink(src).catch((e) => {
      throw copyError(path, e);
    });
    await symlink(target, dst);
    return { path, kind: 'symlink', target, oid: gitBlobId(Buffer.from(target, 'utf8')) };
  }
  if (st.isDirectory()) return { path, why: 'a directory (nested repository or submodule): not copied' };
  if (!st.isFile()) return { path, why: 'not a regular file or symlink' };
  const fh = await open(src, constants.O_RDONLY | constants.O_NOFOLLOW).catch((e) => {
    throw copyError(path, e);
  });
  try {
    const fst = await fh.stat();
    if (!fst.isFile()) throw copyError(path, new Error('changed while it was copied'));
    const data = await fh.readFile();
    const executable = (fst.mode & 0o111) !== 0;
    const mode = executable ? 0o755 : 0o644;
    const out = await open(dst, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    try {
      await out.writeFile(data);
      await out.chmod(mode);
    } finally {
      await out.close();
    }
    return { path, kind: 'file', executable, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length, oid: gitBlobId(data) };
  } finally {
    await fh.close();
  }
}

function copyError(path: string, e: unknown): AosError {
  return new AosError('candidate-copy-failed', `failed to create isolated candidate: cannot copy ${path}: ${(e as Error).message}`, {
    hint: 'Check that every file in the genome is readable by this user; files that change during verify make it fail.',
    cause: e,
  });
}
