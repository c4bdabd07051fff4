import { chmodSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
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
 * A fresh temp directory with no world-writable directory or symlink above it, as newer Nix
 * (2.34) wants for its build-dir ("Path /tmp is world-writable or a symlink"), removed after the
 * current test: under the repository's git-ignored test-artifacts/, or, for a checkout that itself
 * lies under one (a clone in /tmp), under ~/.cache/autopoietic-tests.
 */
export function privateTempDir(prefix = 'aos-test-'): string {
  const candidates = [
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-artifacts'),
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'autopoietic-tests'),
  ];
  for (const base of candidates) {
    mkdirSync(base, { recursive: true });
    const real = realpathSync(base);
    if (privateAncestry(real)) return tempDir(prefix, real);
  }
  throw new Error(`no directory without a world-writable directory above it for a Nix build-dir (tried ${candidates.join(', ')})`);
}

/** `dir` and every directory above it are neither world-writable nor symlinks. */
function privateAncestry(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    const st = lstatSync(d);
    if (st.isSymbolicLink() || (st.mode & 0o002) !== 0) return false;
    if (d === dirname(d)) return true;
  }
}

afterEach(async () => {
  while (made.length) {
    const d = made.pop()!;
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // A test may have left read-only directories (a generator's read-only genome copy), which
      // only root can empty as they are: make them writable (never through a link) and retry.
      // Loaded only then: most test files never need it.
      const { removeScratchTree } = await import('@autopoietic/core/adapters');
      removeScratchTree(d);
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
