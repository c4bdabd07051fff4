import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliVia } from '../../../tests/support/cli.js';
import { onTmpfs } from '../../../tests/support/tmpfs.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { sandbox, sandboxArgs } from './helpers.js';

// The write-failed hint was one fixed sentence ("Check that the directory exists, is writable
// and is not full") whatever the errno. Each errno class a user can meet is produced for real.
const MINIMAL = { 'flake.nix': '{ outputs = { self }: { }; }\n' };



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

  it('names a read-only file system (EROFS)', () => {
    const s = sandbox(MINIMAL);
    const out = tempDir('aos-ro-');
    const r = runCliVia(onTmpfs(out, 'ro'), 'os-introspect', sandboxArgs(s, ['--no-cache', '--output', join(out, 'state.json')]));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`hint: ${out} is on a read-only file system (EROFS): remount it read-write, or write to another directory.`);
  });

  it('names the directory this user may not write (EACCES)', () => {
    const s = sandbox(MINIMAL);
    const locked = join(s.home, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    for (const d of [dirname(s.root), s.root, s.etc, s.home]) chmodSync(d, 0o755);
    const args = ['--root', s.root, '--etc-dir', s.etc, '--memory-dir', join(s.root, 'no-memory'), '--no-cache', '--output', join(locked, 'state.json')];
    // root ignores mode bits: it runs the CLI as nobody.
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const r = runCliVia(asUser, 'os-introspect', args, { env: { HOME: '/nonexistent' } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error[write-failed]: failed to write ${join(locked, 'state.json')} atomically (EACCES)`);
    expect(r.stderr).toContain(`hint: This user may not write there (EACCES): fix ${locked}'s owner or mode, or write to another directory.`);
    expect(readdirSync(locked)).toEqual([]);
  });
});
