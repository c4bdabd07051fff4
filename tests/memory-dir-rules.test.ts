import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';
import { testEnv } from './support/nix-env.js';

// The memory directory rules of the NixOS module, evaluated with plain Nix (no nixpkgs): the rule
// file itself (modules/core/memory-dir.nix), and memory.nix's assertions on every case of
// tests/modules/memory, which CI's module checks evaluate in a real NixOS system.
const run = promisify(execFile);

async function evalJson(file: string, arg: string, value: string, extra: string[] = []): Promise<unknown> {
  const { stdout } = await run('nix-instantiate', ['--eval', '--strict', '--json', '--argstr', arg, value, ...extra, file], {
    cwd: REPO_ROOT,
    env: testEnv(),
  });
  return JSON.parse(stdout);
}

const rules = (dir: string) => evalJson('modules/core/memory-dir.nix', 'dir', dir);

describe('modules/core/memory-dir.nix', () => {
  it('accepts dedicated, persistent directories', async () => {
    for (const dir of ['/var/lib/autopoietic', '/srv/autopoietic', '/var/tmp/autopoietic', '/homework/memory']) {
      expect(await rules(dir), dir).toEqual({ canonical: true, system: false, volatile: false, home: false, ownerOf: [] });
    }
  });

  it('accepts directories below /home and /root, marked as hidden by ProtectHome', async () => {
    for (const dir of ['/home/autopoietic', '/home/user/memory', '/root/memory']) {
      expect(await rules(dir), dir).toEqual({ canonical: true, system: false, volatile: false, home: true, ownerOf: [] });
    }
    // /run/user is ProtectHome's too, but a reboot empties it.
    expect(await rules('/run/user/1000/memory')).toMatchObject({ canonical: true, system: false, volatile: true, home: true });
  });

  it('names the users in whose own home directory the memory directory lies, or which it is', async () => {
    const ownedHomes = '{ alice = "/home/alice"; bob = "/srv/bob"; }';
    const ownerOf = async (dir: string) =>
      ((await evalJson('modules/core/memory-dir.nix', 'dir', dir, ['--arg', 'ownedHomes', ownedHomes])) as { ownerOf: string[] })
        .ownerOf;
    expect(await ownerOf('/home/alice/autopoietic')).toEqual(['alice']);
    expect(await ownerOf('/home/alice')).toEqual(['alice']);
    expect(await ownerOf('/srv/bob/deep/memory')).toEqual(['bob']);
    // Beside a home, or sharing only a prefix of its name, is no one's.
    for (const dir of ['/home/autopoietic', '/home/alicex/memory', '/var/lib/autopoietic']) {
      expect(await ownerOf(dir), dir).toEqual([]);
    }
  });

  it('refuses directories a reboot empties: /run (a tmpfs), its /var aliases and /tmp', async () => {
    for (const dir of ['/run/autopoietic', '/run/user/1000/memory', '/var/run/autopoietic', '/var/lock/x', '/tmp/autopoietic']) {
      expect(await rules(dir), dir).toMatchObject({ canonical: true, system: false, volatile: true });
    }
  });

  it('refuses system directories and read-only or virtual trees', async () => {
    for (const dir of ['/tmp', '/run', '/var/lib', '/nix/store/abc-source', '/proc/1', '/dev/shm/memory']) {
      expect(await rules(dir), dir).toMatchObject({ canonical: true, system: true });
    }
  });

  it('refuses every spelling but the normalised one', async () => {
    for (const dir of ['/var/lib/', '/var//lib', '/var/lib/x/..', '/var/./lib/x', '/']) {
      expect(await rules(dir), dir).toMatchObject({ canonical: false });
    }
  });
});

describe('memory.nix assertions on the tests/modules/memory cases', () => {
  const cases = readdirSync(join(REPO_ROOT, 'tests/modules/memory'))
    .filter((f) => f.endsWith('.nix'))
    .map((f) => f.slice(0, -'.nix'.length))
    .sort();

  it('covers the refusals and the valid default', () => {
    expect(cases).toEqual(expect.arrayContaining(['non-canonical-dir', 'system-dir', 'tmpfiles', 'undeclared-group', 'user-home-dir', 'volatile-dir']));
  });

  it.each(cases)('%s: exactly the expected assertions fail', async (name) => {
    const result = (await evalJson('tests/modules/memory-without-nixpkgs.nix', 'case', name)) as {
      expected: string[];
      actual: string[];
    };
    expect(result.actual).toEqual(result.expected);
  });
});
