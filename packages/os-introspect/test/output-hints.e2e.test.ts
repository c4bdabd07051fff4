import { chmodSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliVia } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { onTmpfs } from '../../../tests/support/tmpfs.js';
import { sandbox, sandboxArgs, type Sandbox } from './helpers.js';

// The hints of a failed --output were fixed sentences whatever the errno: "Check that the
// directory exists, is writable and is not full" for the write, "Check that its parents are
// directories you may write to, on a file system that holds files" for a directory made on the
// way (core makeDirs). They now follow the errno through core's one list of write hints
// (adapters/write-hint.ts). Each errno class a user can meet is produced for real. A directory
// that is read-only or not this user's to write is now found before observing, with that hint.
const MINIMAL = { 'flake.nix': '{ outputs = { self }: { }; }\n' };

const args = (out: string) => sandboxArgs(sandbox(MINIMAL), ['--no-cache', '--output', join(out, 'new', 'state.json')]);

/** A sandbox whose home holds `locked` (mode 0555), with the rest open to nobody. */
function lockedSandbox(): { s: Sandbox; locked: string } {
  const s = sandbox(MINIMAL);
  const locked = join(s.home, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  for (const d of [dirname(s.root), s.root, s.etc, s.home]) chmodSync(d, 0o755);
  return { s, locked };
}

/** os-introspect writing --output `output` in `s`, as nobody (root ignores mode bits). */
function asNobody(s: Sandbox, output: string) {
  const args = ['--root', s.root, '--etc-dir', s.etc, '--memory-dir', join(s.root, 'no-memory'), '--no-cache', '--output', output];
  const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  return runCliVia(asUser, 'os-introspect', args, { env: { HOME: '/nonexistent' } });
}

describe('os-introspect --output: the write-failed hint follows the errno', () => {
  it('names a full file system (ENOSPC), and leaves no temp file', () => {
    const s = sandbox(MINIMAL);
    const out = tempDir('aos-full-');
    const r = runCliVia(onTmpfs(out, 'size=64k', { fill: 'head -c 1048576 /dev/zero > "$0/fill" 2>/dev/null; true' }), 'os-introspect', sandboxArgs(s, ['--no-cache', '--output', join(out, 'state.json')]));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error[write-failed]: failed to write ${join(out, 'state.json')} atomically (ENOSPC)`);
    expect(r.stderr).toContain(`hint: The file system holding ${out} is full (ENOSPC): free space there (\`df\` names it), then retry.`);
    expect(readdirSync(out)).toEqual([]); // the tmpfs went with the namespace; nothing was written under it
  });

});

// A directory the output would be made in that is read-only, or that this user may not write,
// is known before observing: refused then (exit 2), with the hint the write would have given.
describe('os-introspect --output in a directory it cannot write: refused before observing (exit 2)', () => {
  it('names a read-only file system (EROFS)', () => {
    const s = sandbox(MINIMAL);
    const out = tempDir('aos-ro-');
    const r = runCliVia(onTmpfs(out, 'ro'), 'os-introspect', sandboxArgs(s, ['--no-cache', '--output', join(out, 'state.json')]));
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      `error[output-not-writable]: --output ${join(out, 'state.json')}: ${out} is on a read-only file system (EROFS)\n` +
        `hint: ${out} is on a read-only file system (EROFS): remount it read-write, or give --output a path in a directory this user may write.\n`,
    );
  });

  it('names the directory this user may not write (EACCES)', () => {
    const { s, locked } = lockedSandbox();
    const r = asNobody(s, join(locked, 'state.json'));
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      `error[output-not-writable]: --output ${join(locked, 'state.json')}: this user may not create files in ${locked} (EACCES)\n` +
        `hint: This user may not write there (EACCES): fix ${locked}'s owner or mode, or give --output a path in a directory this user may write.\n`,
    );
    expect(readdirSync(locked)).toEqual([]);
  });

  it('checks the directory of the file a symlinked --output points at (the target is what is replaced)', () => {
    const { s, locked } = lockedSandbox();
    chmodSync(locked, 0o755);
    writeFileSync(join(locked, 'state.json'), '{}\n');
    chmodSync(locked, 0o555);
    const open = join(s.home, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    symlinkSync(join(locked, 'state.json'), join(open, 'link.json'));
    const r = asNobody(s, join(open, 'link.json'));
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, `error[output-not-writable]: --output ${join(open, 'link.json')}: this user may not create files in ${locked} (EACCES)`]);
    // Writing into a device makes no entry: /dev is not writable by nobody, /dev/null is.
    const dev = asNobody(s, '/dev/null');
    expect([dev.code, dev.stderr]).toEqual([0, '']);
  });

  it('refuses a directory to be made under one it may not write, by the nearest one that exists', () => {
    const { s, locked } = lockedSandbox();
    const r = asNobody(s, join(locked, 'new', 'state.json'));
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr.split('\n')[0]).toBe(`error[output-not-writable]: --output ${join(locked, 'new', 'state.json')}: this user may not create files in ${locked} (EACCES)`);
    expect(readdirSync(locked)).toEqual([]);
    const out = tempDir('aos-ro-');
    const ro = runCliVia(onTmpfs(out, 'ro'), 'os-introspect', args(out));
    expect([ro.code, ro.stderr.split('\n')[0]]).toEqual([2, `error[output-not-writable]: --output ${join(out, 'new', 'state.json')}: ${out} is on a read-only file system (EROFS)`]);
  });
});

describe('os-introspect --output: the hint of a directory that cannot be made follows the errno', () => {
  it('names a full file system (ENOSPC: no inode left)', () => {
    const out = tempDir('aos-full-');
    const r = runCliVia(onTmpfs(out, 'nr_inodes=2', { fill: 'mkdir "$0/taken"' }), 'os-introspect', args(out));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error[mkdir-failed]: cannot create directory ${join(out, 'new')} (ENOSPC)\n`);
    expect(r.stderr).toContain(`hint: The file system holding ${out} is full (ENOSPC): free space there (\`df\` names it), then retry.\n`);
  });

  it('refuses a file on the way to --output before observing (exit 2), and says how to clear it', () => {
    const out = tempDir();
    writeFileSync(join(out, 'new'), 'a file\n');
    for (const output of [join(out, 'new', 'state.json'), join(out, 'new', 'deeper', 'state.json')]) {
      const r = runCliVia([], 'os-introspect', sandboxArgs(sandbox(MINIMAL), ['--no-cache', '--output', output]));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error[output-parent-not-directory]: --output ${output}: ${join(out, 'new')} is not a directory, so no file can be made under it\n`);
      expect(r.stderr).toContain(`hint: Move ${join(out, 'new')} out of the way, or write to a file in a directory, e.g. --output self-state.json.\n`);
      expect(r.stderr).not.toContain('self-state written');
    }
    expect(readdirSync(out)).toEqual(['new']);
  });
});
