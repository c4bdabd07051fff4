import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';
import { testEnv } from './support/nix-env.js';

// The assertions (and, for the agent runtime, the sandbox settings a case observes) of
// agent-runtime.nix and identity.nix on every case of tests/modules/<area>, evaluated with plain
// Nix (no nixpkgs) through tests/modules/<area>-without-nixpkgs.nix. CI's module checks evaluate
// the same cases in a real NixOS system (tests/modules/default.nix); memory.nix's cases are in
// memory-dir-rules.test.ts.
const run = promisify(execFile);

function casesOf(area: string): string[] {
  return readdirSync(join(REPO_ROOT, 'tests/modules', area))
    .filter((f) => f.endsWith('.nix'))
    .map((f) => f.slice(0, -'.nix'.length))
    .sort();
}

async function evalCase(area: string, name: string): Promise<{ expected: unknown; actual: unknown }> {
  const file = `tests/modules/${area}-without-nixpkgs.nix`;
  const { stdout } = await run('nix-instantiate', ['--eval', '--strict', '--json', '--argstr', 'case', name, file], {
    cwd: REPO_ROOT,
    env: testEnv(),
  });
  return JSON.parse(stdout) as { expected: unknown; actual: unknown };
}

describe('tests/modules/default.nix', () => {
  it('lists every case file, so that CI evaluates each one in a real NixOS system', () => {
    const listed = readFileSync(join(REPO_ROOT, 'tests/modules/default.nix'), 'utf8');
    const areas = readdirSync(join(REPO_ROOT, 'tests/modules'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    const files = areas.flatMap((area) => casesOf(area).map((name) => `${area}/${name}`));
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((file) => !listed.includes(`"${file}"`))).toEqual([]);
  });
});

describe('agent-runtime.nix on the tests/modules/agent-runtime cases', () => {
  const cases = casesOf('agent-runtime');

  it('covers the memory directory under /home, the reserved groups and the default sandbox', () => {
    expect(cases).toEqual(expect.arrayContaining(['hardened', 'home-memory-dir', 'reserved-group', 'root-group']));
  });

  it.each(cases)('%s: exactly the expected assertions fail, with the expected sandbox', async (name) => {
    const { expected, actual } = await evalCase('agent-runtime', name);
    expect(actual).toEqual(expected);
  });

  it('binds a memory directory under /home into a tmpfs home instead of hiding it', async () => {
    // ProtectHome=yes drops a ReadWritePaths= entry below /home: the directory must come back
    // through BindPaths=, and nothing else of /home may become visible.
    const { actual } = (await evalCase('agent-runtime', 'home-memory-dir')) as { actual: { sandbox: unknown } };
    expect(actual.sandbox).toEqual({ BindPaths: ['/home/autopoietic'], ProtectHome: 'tmpfs', ReadWritePaths: null });
  });

  it('refuses a reserved memory group by naming both options and the fix', async () => {
    const { actual } = (await evalCase('agent-runtime', 'reserved-group')) as { actual: { failedAssertions: string[] } };
    expect(actual.failedAssertions).toHaveLength(1);
    expect(actual.failedAssertions[0]).toMatch(/^autopoietic\.memory\.group = wheel .*autopoietic\.agentRuntime\.group/);
    expect(actual.failedAssertions[0]).toContain('Set autopoietic.agentRuntime.group to a dedicated group');
  });
});

describe('identity.nix on the tests/modules/identity cases', () => {
  const cases = casesOf('identity');

  it('covers an empty and a blank host besides the default', () => {
    expect(cases).toEqual(expect.arrayContaining(['blank-host', 'default-host', 'empty-host']));
  });

  it.each(cases)('%s: exactly the expected assertions fail', async (name) => {
    const { expected, actual } = await evalCase('identity', name);
    expect(actual).toEqual(expected);
  });

  it('names the option to set when networking.hostName is empty', async () => {
    const { actual } = (await evalCase('identity', 'empty-host')) as { actual: string[] };
    expect(actual).toHaveLength(1);
    expect(actual[0]).toMatch(/^autopoietic\.identity\.host is blank/);
    expect(actual[0]).toContain('networking.hostName');
  });
});
