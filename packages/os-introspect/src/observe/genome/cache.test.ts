import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { checkedJson, packBody, packLine } from './checksum.js';
import { CACHE_FORMAT, readObjects, readStatIndex, removeStaleVersions, STALE_VERSION_MS, trustedDigest, writeReplacing, writeSnapshot, type StatIndex } from './cache.js';

const index: StatIndex = { format: CACHE_FORMAT, root: '/g', written_at_ms: 1_000_000, files: { 'a.nix': [10, 500_000, 500_000, 7, 'ab'.repeat(32)] } };
const st = { size: 10, mtimeMs: 500_000, ctimeMs: 500_000, ino: 7 };

describe('stat index', () => {
  it('vouches for a file whose size, times and inode are unchanged', () => {
    expect(trustedDigest(index, 'a.nix', st)).toBe('ab'.repeat(32));
  });

  it('does not vouch for a changed or racily clean file', () => {
    expect(trustedDigest(index, 'a.nix', { ...st, size: 11 })).toBeUndefined();
    expect(trustedDigest(index, 'a.nix', { ...st, ino: 8 })).toBeUndefined();
    expect(trustedDigest(index, 'a.nix', { ...st, ctimeMs: 600_000 })).toBeUndefined();
    expect(trustedDigest(index, 'a.nix', { ...st, mtimeMs: 400_000 }), 'mtime alone differs').toBeUndefined();
    // Backdated (touch -d) after a change in the instant the index was written: only ctime tells.
    const touched: StatIndex = { ...index, files: { 'a.nix': [10, 500_000, 1_000_000, 7, 'cd'.repeat(32)] } };
    expect(trustedDigest(touched, 'a.nix', { ...st, ctimeMs: 1_000_000 })).toBeUndefined();
    // Changed in the same instant the index was written: its content may differ from the digest.
    const racy: StatIndex = { ...index, files: { 'a.nix': [10, 1_000_000, 1_000_000, 7, 'cd'.repeat(32)] } };
    expect(trustedDigest(racy, 'a.nix', { ...st, mtimeMs: 1_000_000, ctimeMs: 1_000_000 })).toBeUndefined();
    expect(trustedDigest(index, 'b.nix', st)).toBeUndefined();
    expect(trustedDigest(undefined, 'a.nix', st)).toBeUndefined();
  });

  it('makes a pack line from encoded bytes that equals the line of the text, non-ASCII too', () => {
    const digest = 'ab'.repeat(32);
    for (const json of ['{}', JSON.stringify({ reason: 'é → 😀 "quoted" \\ \n' }), JSON.stringify({ text: 'x'.repeat(100_000) })]) {
      const line = Buffer.from(packLine(digest, json));
      expect(line.equals(Buffer.from(`${digest} ${packBody(json)}\n`))).toBe(true);
      expect(checkedJson(line.toString('utf8').slice(65, -1))).toBe(json);
    }
  });

  it('round-trips through the cache directory, per genome root', async () => {
    const dir = tempDir();
    const digest = 'ab'.repeat(32);
    const line = (d: string, json: string) => Buffer.from(`${d} ${packBody(json)}\n`);
    const altered = packBody(JSON.stringify({ kind: 'not-text', reason: 'binary' })).replace('binary', 'BINARY');
    await writeSnapshot(dir, index, [line(digest, JSON.stringify({ kind: 'not-text', reason: 'binary' })), line('cd'.repeat(32), '{broken'), Buffer.from(`${'ef'.repeat(32)} ${altered}\n`)]);
    expect(readStatIndex(dir, '/g')).toEqual(index);
    const pack = readObjects(dir, '/g');
    expect(pack.get(digest)).toEqual({ kind: 'not-text', reason: 'binary' });
    expect(pack.has('cd'.repeat(32))).toBe(true);
    expect(pack.get('cd'.repeat(32))).toBeUndefined();
    expect(pack.has('ef'.repeat(32))).toBe(true);
    expect(pack.get('ef'.repeat(32)), 'valid JSON that fails its checksum is not trusted').toBeUndefined();
    expect(readStatIndex(dir, '/other')).toBeUndefined();
    expect([...readObjects(dir, '/other').digests()]).toEqual([]);
  });

  it('does not serve an analysis whose Nix confirmation was unavailable, even from a pack that holds one', async () => {
    const dir = tempDir();
    const unavailable = { kind: 'nix', confirmation: { status: 'unavailable', detail: 'nix-instantiate not installed', nix_version: null } };
    await writeSnapshot(dir, index, [Buffer.from(`${'ab'.repeat(32)} ${packBody(JSON.stringify(unavailable))}\n`)]);
    const pack = readObjects(dir, '/g');
    expect(pack.has('ab'.repeat(32))).toBe(true);
    expect(pack.get('ab'.repeat(32))).toBeUndefined();
    expect([...readObjects(dir, '/other').digests()]).toEqual([]);
  });

  it('writes every byte of more buffers than one writev takes, in order, and replaces the file whole', async () => {
    const file = join(tempDir(), 'sub', 'pack');
    const chunks = Array.from({ length: 3000 }, (_, i) => Buffer.from(`${i},`));
    chunks.splice(5, 0, Buffer.alloc(0)); // empty buffers are skipped
    await writeReplacing(file, chunks);
    expect(readFileSync(file, 'utf8')).toBe(Array.from({ length: 3000 }, (_, i) => `${i},`).join(''));
    await writeReplacing(file, [Buffer.from('new')]);
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(join(file, '..'))).toEqual(['pack']); // no temp file left behind
  });

  it('leaves nothing behind when the file cannot be written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'blocker'), 'a file where a directory should be');
    await expect(writeReplacing(join(dir, 'blocker', 'pack'), [Buffer.from('x')])).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['blocker']);
  });
});

describe('caches of other versions', () => {
  const DAY = 24 * 60 * 60 * 1000;

  /** A cache directory with one root's index, every time (atime, mtime of file and directories) set to `ageMs` ago, or the file's atime to `readAgoMs`. */
  function cacheAt(parent: string, name: string, ageMs: number, readAgoMs = ageMs): string {
    const dir = join(parent, name);
    mkdirSync(join(dir, 'roots'), { recursive: true });
    const index = join(dir, 'roots', `${'0'.repeat(24)}.index.json`);
    writeFileSync(index, '{}');
    const old = new Date(Date.now() - ageMs);
    utimesSync(index, new Date(Date.now() - readAgoMs), old);
    utimesSync(join(dir, 'roots'), old, old);
    utimesSync(dir, old, old);
    return dir;
  }

  it('removes those unused for a month, and keeps recent ones, the current one, other names and links', () => {
    const parent = join(tempDir(), 'cache', 'introspect');
    const current = cacheAt(parent, 'v4.34-0123456789ab', 90 * DAY);
    const stale = cacheAt(parent, 'v4.33-0123456789ab', STALE_VERSION_MS + DAY);
    const staleFormat = cacheAt(parent, 'v3.20-ba9876543210', 400 * DAY);
    const read = cacheAt(parent, 'v4.32-0123456789ab', 90 * DAY, DAY);
    const recent = cacheAt(parent, 'v4.31-0123456789ab', 10 * DAY);
    const other = cacheAt(parent, 'notes', 400 * DAY);
    const target = cacheAt(tempDir(), 'elsewhere', 400 * DAY);
    symlinkSync(target, join(parent, 'v4.30-0123456789ab'));
    removeStaleVersions(current);
    expect([current, read, recent, other, target, join(parent, 'v4.30-0123456789ab')].filter((d) => !existsSync(d))).toEqual([]);
    expect([stale, staleFormat].filter((d) => existsSync(d))).toEqual([]);
    expect(readdirSync(join(target, 'roots'))).toHaveLength(1);
  });

  it('does nothing when the parent cannot be read', () => {
    expect(() => removeStaleVersions(join(tempDir(), 'missing', 'v4.34-0123456789ab'))).not.toThrow();
  });
});
