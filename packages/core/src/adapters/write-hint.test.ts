import { describe, expect, it } from 'vitest';
import { writeHint } from './write-hint.js';

const out = { dir: '/srv/out', file: '/srv/out/state.json' };

describe('writeHint', () => {
  it('names the cause of each errno class, with the directory and the way out the caller gives', () => {
    expect(writeHint('ENOSPC', out)).toBe('The file system holding /srv/out is full (ENOSPC): free space there (`df` names it), then retry.');
    expect(writeHint('EDQUOT', out)).toContain("This user's disk quota is used up (EDQUOT)");
    expect(writeHint('EFBIG', out)).toContain('ulimit -f');
    expect(writeHint('EROFS', out)).toBe('/srv/out is on a read-only file system (EROFS): remount it read-write, or write to another directory.');
    expect(writeHint('EACCES', out)).toBe("This user may not write there (EACCES): fix /srv/out's owner or mode, or write to another directory.");
    expect(writeHint('EPERM', out)).toContain('(EPERM)');
    expect(writeHint('ENOENT', out)).toBe('There is no directory /srv/out (ENOENT): create it (`mkdir -p`), or write to another directory.');
    expect(writeHint('EISDIR', out)).toBe('/srv/out/state.json is a directory (EISDIR): name a file in it, or remove the directory.');
    expect(writeHint('ENOTDIR', { ...out, inTheWay: '/srv' })).toBe('/srv is not a directory (ENOTDIR), so /srv/out/state.json cannot be made under it: move it out of the way, or write to another directory.');
    expect(writeHint('ENOTDIR', out)).toContain('A part of /srv/out/state.json is not a directory (ENOTDIR)');
    expect(writeHint('EEXIST', { dir: '/srv', file: '/srv/out', inTheWay: '/srv/out', elsewhere: 'give --work-dir another' })).toBe('/srv/out exists and is not a directory (EEXIST): move it out of the way, or give --work-dir another.');
  });

  it('says nothing for an errno it has no cause for, nor for a missing or blocking path it was not told', () => {
    expect(writeHint('EIO', out)).toBeUndefined();
    expect(writeHint(undefined, out)).toBeUndefined();
    const noFile = { dir: 'the memory directory' };
    for (const code of ['ENOENT', 'ENOTDIR', 'EISDIR']) expect(writeHint(code, noFile)).toBeUndefined();
    expect(writeHint('EEXIST', out)).toBeUndefined(); // a create-new file's EEXIST: its caller says it
  });

  it("reads the memory directory's hints as the ledger writers always said them", () => {
    const memory = { dir: 'the memory directory', elsewhere: 'point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable one' };
    expect(writeHint('EROFS', memory)).toBe('The memory directory is on a read-only file system (EROFS): remount it read-write, or point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable one.');
    expect(writeHint('EACCES', memory)).toBe("This user may not write there (EACCES): fix the memory directory's owner or mode, or point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable one.");
    expect(writeHint('ENOSPC', memory)).toBe('The file system holding the memory directory is full (ENOSPC): free space there (`df` names it), then retry.');
  });
});
