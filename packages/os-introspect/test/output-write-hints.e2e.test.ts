import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { sandbox, sandboxArgs } from './helpers.js';

// The write-failed hint was one fixed sentence ("Check that the directory exists, is writable
// and is not full") whatever the errno. Each errno class a user can meet is produced for real.
const MINIMAL = { 'flake.nix': '{ outputs = { self }: { }; }\n' };
const BIN = join(REPO_ROOT, 'packages', 'os-introspect', 'bin', 'os-introspect.js');

/** Runs `cmd` (with the built os-introspect appended) and returns code and stderr. */
function run(cmd: string[], args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), process.execPath, BIN, ...args], { env: testEnv(env), encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * os-introspect with `dir` on a fresh tmpfs mounted with `mountOpts`, after `fill` (a shell
 * command) ran in it, in a private mount namespace: the tmpfs goes with the process. A normal
 * user gets the namespace inside a user namespace of its own.
 */
function onTmpfs(dir: string, mountOpts: string, fill: string, args: string[]) {
  const script = `mount -t tmpfs -o ${mountOpts} tmpfs "$0" || exit 99; ${fill}; exec "$@"`;
  const ns = process.getuid?.() === 0 ? ['-m'] : ['--user', '--map-root-user', '--mount'];
  return run(['unshare', ...ns, 'sh', '-c', script, dir], args);
}

describe('os-introspect --output: the write-failed hint follows the errno', () => {
  it('names a full file system (ENOSPC), and leaves no temp file', () => {
    const s = sandbox(MINIMAL);
    const out = tempDir('aos-full-');
    const r = onTmpfs(out, 'size=64k', 'head -c 1048576 /dev/zero > "$0/fill" 2>/dev/null; true', sandboxArgs(s, ['--no-cache', '--output', join(out, 'state.json')]));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error[write-failed]: failed to write ${join(out, 'state.json')} atomically (ENOSPC)`);
    expect(r.stderr).toContain(`hint: The file system holding ${out} is full (ENOSPC): free space there (\`df\` names it), then retry.`);
    expect(readdirSync(out)).toEqual([]); // the tmpfs went with the namespace; nothing was written under it
  });

  it('names a read-only file system (EROFS)', () => {
    const s = sandbox(MINIMAL);
    const out = tempDir('aos-ro-');
    const r = onTmpfs(out, 'ro', 'true', sandboxArgs(s, ['--no-cache', '--output', join(out, 'state.json')]));
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
    const asUser = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : ['env'];
    const r = run(asUser, args, { HOME: '/nonexistent' });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error[write-failed]: failed to write ${join(locked, 'state.json')} atomically (EACCES)`);
    expect(r.stderr).toContain(`hint: This user may not write there (EACCES): fix ${locked}'s owner or mode, or write to another directory.`);
    expect(readdirSync(locked)).toEqual([]);
  });
});
