import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';
import { testEnv } from './support/nix-env.js';

// The VM checks are named by hand in three places besides tests/vm/default.nix: the VM workflow
// (which runs only the ones it lists), README's KVM section and docs/nix.md's table of checks.
// Their names come from default.nix with plain Nix: attrNames forces none of the tests, so the
// stand-in arguments are never read.
const run = promisify(execFile);
// tests/vm/default.nix: the reference name for iso-boot-basic, not a check of its own.
const ALIASES = ['iso-boot'];

async function vmChecks(): Promise<string[]> {
  const expr = 'builtins.attrNames (import ./tests/vm/default.nix { pkgs = { }; nixpkgs = null; autopoieticModule = null; isoConfig = null; })';
  const { stdout } = await run('nix-instantiate', ['--eval', '--strict', '--json', '-E', expr], { cwd: REPO_ROOT, env: testEnv() });
  return (JSON.parse(stdout) as string[]).filter((name) => !ALIASES.includes(name));
}

const read = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');

describe('the VM checks of tests/vm/default.nix', () => {
  it('are all run by the VM workflow (ALL_VM_CHECKS in .github/workflows/vm.yml)', async () => {
    const checks = await vmChecks();
    expect(checks).toEqual(expect.arrayContaining(['iso-boot-basic', 'vm-mutation-gate']));
    const listed = /ALL_VM_CHECKS: >-\n((?: {4}.*\n)+)/.exec(read('.github/workflows/vm.yml'));
    expect(listed, 'ALL_VM_CHECKS in vm.yml').not.toBeNull();
    expect(listed![1]!.trim().split(/\s+/).sort()).toEqual(checks);
  });

  it('are each named in README (running them on a KVM machine) and described in docs/nix.md', async () => {
    const checks = await vmChecks();
    const readme = read('README.md');
    const kvm = readme.slice(readme.indexOf('## Running the VM checks on a KVM machine'));
    const nixDoc = read('docs/nix.md');
    expect(checks.filter((name) => !kvm.includes(`\`${name}\``))).toEqual([]);
    expect(checks.filter((name) => !new RegExp(`^\\| \`${name}\`[ |]`, 'm').test(nixDoc))).toEqual([]);
  });
});
