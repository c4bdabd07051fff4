import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliVia } from '../../../tests/support/cli.js';
import { onTmpfs } from '../../../tests/support/tmpfs.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { sandbox, sandboxArgs } from './helpers.js';

// `--output <dir>/new/state.json` creates <dir>/new first (core makeDirs), whose hint was one
// fixed sentence whatever failed ("Check that its parents are directories you may write to, on a
// file system that holds files"). It now follows the errno through core's one list of write
// hints (adapters/write-hint.ts). Each errno is produced for real.
const MINIMAL = { 'flake.nix': '{ outputs = { self }: { }; }\n' };



const args = (out: string) => sandboxArgs(sandbox(MINIMAL), ['--no-cache', '--output', join(out, 'new', 'state.json')]);

describe('os-introspect --output: the hint of a directory that cannot be made follows the errno', () => {
  it('names a full file system (ENOSPC: no inode left)', () => {
    const out = tempDir('aos-full-');
    const r = runCliVia(onTmpfs(out, 'nr_inodes=2', { fill: 'mkdir "$0/taken"' }), 'os-introspect', args(out));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error[mkdir-failed]: cannot create directory ${join(out, 'new')} (ENOSPC)\n`);
    expect(r.stderr).toContain(`hint: The file system holding ${out} is full (ENOSPC): free space there (\`df\` names it), then retry.\n`);
  });

  it('names a read-only file system (EROFS)', () => {
    const out = tempDir('aos-ro-');
    const r = runCliVia(onTmpfs(out, 'ro'), 'os-introspect', args(out));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`hint: ${out} is on a read-only file system (EROFS): remount it read-write, or write to another directory.\n`);
  });

  it('names the directory this user may not write (EACCES)', () => {
    const s = sandbox(MINIMAL);
    const locked = join(s.home, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    for (const d of [dirname(s.root), s.root, s.etc, s.home]) chmodSync(d, 0o755);
    const flags = ['--root', s.root, '--etc-dir', s.etc, '--memory-dir', join(s.root, 'no-memory'), '--no-cache', '--output', join(locked, 'new', 'state.json')];
    // root ignores mode bits: it runs the CLI as nobody.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const r = runCliVia(asUser, 'os-introspect', flags);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error[mkdir-failed]: cannot create directory ${join(locked, 'new')} (EACCES)\n`);
    expect(r.stderr).toContain(`hint: This user may not write there (EACCES): fix ${locked}'s owner or mode, or write to another directory.\n`);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('keeps naming what is in the way (EEXIST, ENOTDIR), and says how to clear it', () => {
    const out = tempDir();
    writeFileSync(join(out, 'new'), 'a file\n');
    const onto = runCliVia([], 'os-introspect', args(out));
    expect(onto.code, onto.stderr).toBe(1);
    expect(onto.stderr).toContain(`error[mkdir-failed]: cannot create directory ${join(out, 'new')}: ${join(out, 'new')} exists and is not a directory (EEXIST)\n`);
    expect(onto.stderr).toContain(`hint: ${join(out, 'new')} exists and is not a directory (EEXIST): move it out of the way, or write to another directory.\n`);
    const under = runCliVia([], 'os-introspect', sandboxArgs(sandbox(MINIMAL), ['--no-cache', '--output', join(out, 'new', 'deeper', 'state.json')]));
    expect(under.code, under.stderr).toBe(1);
    expect(under.stderr).toContain(`hint: ${join(out, 'new')} is not a directory (ENOTDIR), so ${join(out, 'new', 'deeper')} cannot be made under it: move it out of the way, or write to another directory.\n`);
  });
});
