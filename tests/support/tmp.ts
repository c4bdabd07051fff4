import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';

const made: string[] = [];

/** A fresh temp directory (real path, no symlinks) removed after the current test. */
export function tempDir(prefix = 'aos-test-', base = tmpdir()): string {
  const dir = realpathSync(mkdtempSync(join(base, prefix)));
  made.push(dir);
  return dir;
}

/**
 * A fresh temp directory with no world-writable directory above it, as newer Nix (2.34) wants
 * for its build-dir (it refuses anything under /tmp): under the repository's git-ignored
 * test-artifacts/, removed after the current test.
 */
export function privateTempDir(prefix = 'aos-test-'): string {
  const base = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts');
  mkdirSync(base, { recursive: true });
  return tempDir(prefix, base);
}

afterEach(() => {
  while (made.length) {
    const d = made.pop()!;
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      /* a test may have made it read-only; best effort */
    }
  }
});

export type TreeEntry = string | Buffer | { symlink: string } | { content: string | Buffer; mode: number };

/** Writes a small tree: `{ 'a/b.nix': '...', 'link': { symlink: '../x' } }`. */
export function writeTree(root: string, tree: Record<string, TreeEntry>): void {
  for (const [rel, entry] of Object.entries(tree)) {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    if (typeof entry === 'string' || Buffer.isBuffer(entry)) writeFileSync(p, entry);
    else if ('symlink' in entry) symlinkSync(entry.symlink, p);
    else {
      writeFileSync(p, entry.content);
      chmodSync(p, entry.mode);
    }
  }
}
