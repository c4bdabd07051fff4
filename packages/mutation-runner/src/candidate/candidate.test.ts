import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readlinkSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../../../../tests/support/tmp.js';
import { exclusionContext, exclusionReason, proposalsInGenomeWarning } from './exclusions.js';
import { Framer } from '@autopoietic/core/canonical';
import { ROOT_FINGERPRINT_DOMAIN, rootFingerprint, type TreeEntry } from './fingerprint.js';
import { materialise } from './materialise.js';

describe('proposalsInGenomeWarning', () => {
  it('warns for a proposals directory inside the genome but outside the queue, and only then', () => {
    const warn = (dir: string) => proposalsInGenomeWarning('/g', dir, '--out-dir');
    expect(warn('/g/proposals')).toBe(
      '--out-dir /g/proposals lies inside the genome but outside the proposal queue (mutations/): proposals written there are genome files, which verify and promote count (one written there between verify and promote makes promote refuse); write them under mutations/ or outside the genome',
    );
    expect(warn('/g')).toContain('--out-dir /g lies inside the genome');
    expect(warn('/g/mutationsx/pending')).toContain('lies inside the genome');
    expect(warn('/g/mutations/pending')).toBeUndefined();
    expect(warn('/g/mutations/elsewhere')).toBeUndefined();
    expect(warn('/elsewhere/pending')).toBeUndefined();
    expect(warn('/gx/pending')).toBeUndefined();
  });
});

describe('exclusions', () => {
  const ctx = exclusionContext('/g', { memoryDir: '/g/state', files: ['/g/proposals/p/proposal.json', '/elsewhere/patch.diff', '/g/logs/results.jsonl'] });
  const out = (p: string) => exclusionReason(p, ctx);
  it('leaves out git, node_modules, result links, memory ledgers/evidence/logs and the command inputs', () => {
    for (const p of ['.git/config', 'a/.git', 'node_modules/x', 'a/node_modules/b/c', 'result', 'sub/result-dev', 'memory/mutations.jsonl', 'memory/effects.jsonl.lock', 'memory/evidence/x.json', 'memory/logs/v/1.log', 'memory/cache/introspect/v3/roots/x.genome.json', 'state/organs.jsonl', 'state/evidence/e', 'proposals/p/proposal.json', 'logs/results.jsonl', 'logs/results.jsonl.lock']) {
      expect(out(p), p).toBeDefined();
    }
    for (const p of ['flake.nix', 'memory/notes.md', 'memory/sub/x.jsonl', 'data/x.jsonl', 'results', 'proposals/p/patch.diff', 'memory/mutation-proposal.schema.json']) {
      expect(out(p), p).toBeUndefined();
    }
  });

  it('leaves out the proposal queue (mutations/: pending and filed proposals), and only it', () => {
    for (const p of ['mutations', 'mutations/pending/.gitkeep', 'mutations/pending/mut-b/proposal.json', 'mutations/pending/mut-b/patch.diff', 'mutations/accepted/mut-a/patch.diff', 'mutations/failed/x', 'mutations/reverted/x', 'mutations/README.md']) {
      expect(out(p), p).toBe('the proposal queue (mutations/), not the genome');
    }
    for (const p of ['mutations.nix', 'mutationsx/pending/p', 'modules/mutations/pending/x.nix', 'Mutations/pending/x']) {
      expect(out(p), p).toBeUndefined();
    }
  });
});

describe('root fingerprint v2', () => {
  const file = (path: string, sha: string, executable = false): TreeEntry => ({ path, kind: 'file', executable, sha256: sha, bytes: 1 });
  it('depends on paths, content, the executable bit and link targets, not on order', () => {
    const a = [file('a', '1'), file('b', '2')];
    expect(rootFingerprint(a)).toBe(rootFingerprint([...a].reverse()));
    expect(rootFingerprint(a)).not.toBe(rootFingerprint([file('a', '1'), file('b', '3')]));
    expect(rootFingerprint(a)).not.toBe(rootFingerprint([file('a', '1'), file('b', '2', true)]));
    expect(rootFingerprint(a)).not.toBe(rootFingerprint([file('a', '1'), file('c', '2')]));
    const link = (target: string): TreeEntry => ({ path: 'l', kind: 'symlink', target });
    expect(rootFingerprint([link('a')])).not.toBe(rootFingerprint([link('b')]));
    expect(rootFingerprint([])).toMatch(/^sha256:/);
  });
});

describe('root fingerprint order', () => {
  const file = (path: string): TreeEntry => ({ path, kind: 'file', executable: false, sha256: path, bytes: 1 });
  const byBytes = (paths: string[]) =>
    new Framer(ROOT_FINGERPRINT_DOMAIN)
      .list(
        [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
        (f, p) => f.str(p).str('file').str('100644').str(p),
      )
      .digest();

  it('frames entries in the UTF-8 byte order of their paths, also beyond U+FFFF', () => {
    // In UTF-16 order '\u{1D11E}' (a surrogate pair) sorts before '\uFFFD'; in UTF-8 after it.
    const paths = ['b', '\u{1D11E}', 'a/x', '\uFFFD', 'a-b', 'a'];
    expect(rootFingerprint(paths.map(file))).toBe(byBytes(paths));
    const ascii = ['m/f10', 'm/f2', 'm.nix', 'm-x/a'];
    expect(rootFingerprint(ascii.map(file))).toBe(byBytes(ascii));
  });
});

describe('materialise', () => {
  it('copies files with their executable bit and modification time, and symlinks as links, hashing the copied bytes', async () => {
    const src = tempDir();
    const dest = tempDir();
    writeTree(src, { 'a/b.txt': 'hello\n', 'run.sh': { content: '#!/bin/sh\n', mode: 0o700 }, 'link': { symlink: 'a/b.txt' }, 'secret': { content: 's', mode: 0o600 } });
    utimesSync(join(src, 'a/b.txt'), 1_000_000, 1_000_000);
    execFileSync('mkfifo', [join(src, 'fifo')]); // a FIFO would block a naive reader
    const r = await materialise({ kind: 'plain', root: src, paths: ['a/b.txt', 'fifo', 'gone', 'link', 'run.sh', 'secret'], excluded: [] }, dest);
    expect(readFileSync(join(dest, 'a/b.txt'), 'utf8')).toBe('hello\n');
    expect(statSync(join(dest, 'a/b.txt')).mtimeMs).toBe(1_000_000_000);
    expect(statSync(join(dest, 'run.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dest, 'secret')).mode & 0o777).toBe(0o644);
    expect(readlinkSync(join(dest, 'link'))).toBe('a/b.txt');
    expect(r.skipped.map((s) => s.path).sort()).toEqual(['fifo', 'gone']);
    const b = r.entries.find((e) => e.path === 'a/b.txt');
    expect(b).toMatchObject({ kind: 'file', executable: false, bytes: 6, sha256: createHash('sha256').update('hello\n').digest('hex') });
    expect(r.entries.find((e) => e.path === 'link')).toMatchObject({ kind: 'symlink', target: 'a/b.txt' });
  });

  it('writes modes 0644 and 0755 whatever the umask', async () => {
    const src = tempDir();
    const dest = tempDir();
    writeTree(src, { 'f.txt': 'f\n', 'x.sh': { content: '#!/bin/sh\n', mode: 0o755 } });
    const old = process.umask(0o077);
    try {
      await materialise({ kind: 'plain', root: src, paths: ['f.txt', 'x.sh'], excluded: [] }, dest);
    } finally {
      process.umask(old);
    }
    expect(statSync(join(dest, 'f.txt')).mode & 0o777).toBe(0o644);
    expect(statSync(join(dest, 'x.sh')).mode & 0o777).toBe(0o755);
  });

  it('hands copied entries over in chunks, each one complete on disk when handed', async () => {
    const src = tempDir();
    const dest = tempDir();
    const names = Array.from({ length: 300 }, (_, i) => `d${i % 7}/f${String(i).padStart(3, '0')}`);
    writeTree(src, Object.fromEntries(names.map((n) => [n, `${n}\n`])));
    const handed: string[][] = [];
    const r = await materialise({ kind: 'plain', root: src, paths: [...names].sort(), excluded: [] }, dest, (entries) => {
      for (const e of entries) expect(readFileSync(join(dest, e.path), 'utf8')).toBe(`${e.path}\n`);
      handed.push(entries.map((e) => e.path));
    });
    expect(handed.length).toBeGreaterThan(1);
    expect(handed.flat()).toEqual(r.entries.map((e) => e.path));
  });
});
