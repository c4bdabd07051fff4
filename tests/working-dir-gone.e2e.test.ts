import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, type CliName } from './support/cli.js';
import { testEnv } from './support/nix-env.js';
import { tempDir } from './support/tmp.js';

/** Runs a built CLI from a working directory the shell removed after entering it (as a CI cleanup can). */
function fromRemovedDir(name: CliName, args: string[]) {
  const bin = join(REPO_ROOT, 'packages', name, 'bin', `${name}.js`);
  const parent = tempDir();
  const r = spawnSync('sh', ['-c', 'mkdir gone && cd gone && rmdir ../gone && exec "$@"', 'sh', process.execPath, bin, ...args], {
    cwd: parent,
    env: testEnv(),
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a CLI run from a working directory that no longer exists', () => {
  it.each([
    ['mutation-journal', ['list', 'mutations']],
    ['mutation-runner', ['verify', '--proposal', 'proposal.json']],
    ['os-introspect', ['--format', 'summary']],
  ] as [CliName, string[]][])('%s says so and how to fix it, instead of error[internal]', (name, args) => {
    const r = fromRemovedDir(name, args);
    expect(r.stderr).not.toContain('error[internal]');
    expect(r.stderr).toContain('error[cwd-missing]: the current directory no longer exists (ENOENT)');
    expect(r.stderr).toContain('hint: cd into an existing directory');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });

  it('still answers --help, which needs no directory', () => {
    const r = fromRemovedDir('mutation-runner', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: mutation-runner');
  });
});
