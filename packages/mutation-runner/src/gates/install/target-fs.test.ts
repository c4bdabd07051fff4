import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../../../../../tests/support/tmp.js';
import { compareIdentity, readSeedFile, resolveInRoot } from './target-fs.js';

describe('resolveInRoot', () => {
  it('finds plain files and reports missing ones with the deepest existing directory', () => {
    const root = tempDir();
    writeTree(root, { 'etc/autopoietic/identity.json': '{}' });
    expect(resolveInRoot(root, '/etc/autopoietic/identity.json')).toEqual({ kind: 'found', path: join(root, 'etc/autopoietic/identity.json'), viaSymlink: false });
    expect(resolveInRoot(root, '/var/lib/autopoietic/x.jsonl')).toEqual({
      kind: 'missing',
      path: join(root, 'var/lib/autopoietic/x.jsonl'),
      existing: root,
      viaSymlink: false,
    });
  });

  it('re-roots absolute symlinks at the target root, as the installed system sees them (NixOS etc/static)', () => {
    const root = tempDir();
    writeTree(root, {
      'nix/store/abc-etc/etc/autopoietic/identity.json': '{"host":"iso"}',
      'etc/static': { symlink: '/nix/store/abc-etc/etc' },
      'etc/autopoietic/identity.json': { symlink: '/etc/static/autopoietic/identity.json' },
    });
    expect(resolveInRoot(root, '/etc/autopoietic/identity.json')).toEqual({
      kind: 'found',
      path: join(root, 'nix/store/abc-etc/etc/autopoietic/identity.json'),
      viaSymlink: true,
    });
  });

  it('refuses a relative symlink that climbs out of the target root', () => {
    const root = tempDir();
    writeTree(root, { 'etc/autopoietic/identity.json': { symlink: '../../../outside.json' } });
    const r = resolveInRoot(root, '/etc/autopoietic/identity.json');
    expect(r.kind).toBe('escape');
  });

  it('stops symlink loops', () => {
    const root = tempDir();
    writeTree(root, { 'etc/a': { symlink: 'b' }, 'etc/b': { symlink: 'a' } });
    const r = resolveInRoot(root, '/etc/a');
    expect(r).toMatchObject({ kind: 'error' });
    expect((r as { reason: string }).reason).toContain('too many symlinks');
  });
});

describe('readSeedFile', () => {
  it('reads through in-root symlinks and reports where it landed', () => {
    const root = tempDir();
    writeTree(root, { 'real/id.json': 'x', 'etc/id.json': { symlink: '/real/id.json' } });
    const r = readSeedFile(root, '/etc/id.json');
    expect(r).toMatchObject({ status: 'read', resolvedPath: join(root, 'real/id.json') });
  });
  it('says a directory is not a regular seed file', () => {
    const root = tempDir();
    mkdirSync(join(root, 'etc/id.json'), { recursive: true });
    expect(readSeedFile(root, '/etc/id.json')).toEqual({ status: 'error', reason: `${join(root, 'etc/id.json')} is not a regular seed file` });
  });
  it('calls a symlink leaving the root a symlink traversal error', () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(join(outside, 'id.json'), 'x');
    writeTree(root, { 'etc/id.json': { symlink: join('..', '..', '..', outside, 'id.json') } });
    const r = readSeedFile(root, '/etc/id.json');
    expect(r.status).toBe('error');
    expect((r as { reason: string }).reason).toContain('symlink');
  });
});

describe('compareIdentity (the open-then-compare guard)', () => {
  it('detects a target path swapped to a symlink after it was opened', () => {
    const dir = tempDir();
    const path = join(dir, 'seed.json');
    writeFileSync(path, 'planned');
    writeFileSync(join(dir, 'evil.json'), 'evil');
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const opened = fstatSync(fd);
      expect(compareIdentity(opened, lstatSync(path))).toBeUndefined();
      renameSync(path, join(dir, 'moved.json'));
      symlinkSync(join(dir, 'evil.json'), path);
      expect(compareIdentity(opened, lstatSync(path))).toContain('regular seed file');
    } finally {
      closeSync(fd);
    }
  });
  it('detects a different file at the path and a vanished path', () => {
    const dir = tempDir();
    const path = join(dir, 'seed.json');
    writeFileSync(path, 'a');
    const fd = openSync(path, constants.O_RDONLY);
    try {
      const opened = fstatSync(fd);
      renameSync(path, join(dir, 'old'));
      writeFileSync(path, 'a');
      expect(compareIdentity(opened, lstatSync(path))).toContain('different file');
      expect(compareIdentity(opened, undefined)).toContain('no longer resolves');
    } finally {
      closeSync(fd);
    }
  });
});
