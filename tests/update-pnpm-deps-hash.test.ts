import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';
import { testEnv } from './support/nix-env.js';
import {
  hostTools,
  offlineEnv,
  type Registry,
  runScript as runScriptAsync,
  startRegistry,
  writeProbeProject,
} from './support/pnpm-fixture.js';
import { tempDir, writeTree } from './support/tmp.js';

// scripts/update-pnpm-deps-hash against real Nix. The probe flake stands in for the pnpm store:
// packages.<system>.autopoietic-tools.pnpmDeps is a fixed-output derivation whose hash is read
// from nix/pnpm-deps-hash.txt, exactly the shape nix/package.nix has, but built with /bin/sh so
// it needs neither nixpkgs nor the network.
const FAKE = 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

function probe(content: string, builderExit = 0): string {
  const dir = tempDir('aos-hash-');
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(REPO_ROOT, 'scripts', 'update-pnpm-deps-hash'), join(dir, 'scripts', 'update-pnpm-deps-hash'));
  const script = `echo ${content} > $out; exit ${builderExit}`;
  writeTree(dir, {
    'nix/pnpm-deps-hash.txt': `${FAKE}\n`,
    'flake.nix': `{
  outputs = { self }:
    let system = builtins.currentSystem or "x86_64-linux"; in {
      packages.\${system}.autopoietic-tools.pnpmDeps = derivation {
        name = "probe-pnpm-deps";
        inherit system;
        builder = "/bin/sh";
        args = [ "-c" ${JSON.stringify(script)} ];
        outputHashMode = "flat";
        outputHashAlgo = "sha256";
        outputHash = builtins.replaceStrings [ "\\n" ] [ "" ] (builtins.readFile ./nix/pnpm-deps-hash.txt);
      };
    };
}
`,
  });
  return dir;
}

function runScript(dir: string, args: string[]) {
  const r = spawnSync('bash', [join(dir, 'scripts', 'update-pnpm-deps-hash'), ...args], {
    cwd: dir,
    env: testEnv(),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const hashFile = (dir: string) => readFileSync(join(dir, 'nix', 'pnpm-deps-hash.txt'), 'utf8');

describe('scripts/update-pnpm-deps-hash', () => {
  it('--check reports a stale hash with the correct one and changes nothing', () => {
    const dir = probe(`stale-${process.pid}-${Date.now()}`);
    const r = runScript(dir, ['--check']);
    expect(r.code, r.stderr).toBe(1);
    const got = /needs (sha256-[A-Za-z0-9+/=]+)/.exec(r.stdout)?.[1];
    expect(got, r.stdout).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
    expect(r.stdout).toContain('::error file=nix/pnpm-deps-hash.txt::');
    expect(hashFile(dir)).toBe(`${FAKE}\n`);
  });

  it('rewrites the file with the hash Nix reports, after which --check passes', () => {
    const dir = probe(`update-${process.pid}-${Date.now()}`);
    const update = runScript(dir, []);
    expect(update.code, update.stderr).toBe(0);
    const written = hashFile(dir).trim();
    expect(written).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
    expect(written).not.toBe(FAKE);
    expect(update.stderr).toContain(`${FAKE} -> ${written}`);

    const check = runScript(dir, ['--check']);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toContain('is up to date');
  });

  it('fails without touching the file when the build fails for another reason', () => {
    const dir = probe(`broken-${process.pid}-${Date.now()}`, 3);
    const r = runScript(dir, []);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/failed for another reason than its hash/);
    expect(hashFile(dir)).toBe(`${FAKE}\n`);
  });

  it('refuses unknown arguments with exit 2', () => {
    const r = runScript(probe('usage'), ['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: .*\[--check\]/);
  });
});

// --offline: the same update and check, with the hash from scripts/pnpm-deps-hash-offline run
// for real on a probe workspace whose one dependency a registry on 127.0.0.1 serves (this
// machine's tools, see tests/pnpm-deps-hash-offline.test.ts).
describe('scripts/update-pnpm-deps-hash --offline', () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry([{ version: '2.0.0', body: 'module.exports = "offline";\n' }]);
  });
  afterAll(() => registry.close());

  function offlineProbe(manifestVersion = '2.0.0'): string {
    const dir = tempDir('aos-hash-offline-');
    mkdirSync(join(dir, 'scripts', 'lib'), { recursive: true });
    for (const f of ['update-pnpm-deps-hash', 'pnpm-deps-hash-offline', 'lib/pnpm-deps-tools.sh']) {
      copyFileSync(join(REPO_ROOT, 'scripts', f), join(dir, 'scripts', f));
    }
    writeTree(dir, { 'nix/pnpm-deps-hash.txt': `${FAKE}\n` });
    writeProbeProject(dir, registry, manifestVersion, '2.0.0');
    return dir;
  }
  const run = (dir: string, args: string[]) =>
    runScriptAsync(join(dir, 'scripts', 'update-pnpm-deps-hash'), args, offlineEnv(hostTools(), registry), dir);

  it('--check reports the stale hash with the computed one, then the update makes it pass', async () => {
    const dir = offlineProbe();
    const check = await run(dir, ['--offline', '--check']);
    expect(check.code, check.stderr).toBe(1);
    const got = /needs (sha256-[A-Za-z0-9+/=]+)/.exec(check.stdout)?.[1];
    expect(got, check.stdout).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
    expect(check.stdout).toContain('::error file=nix/pnpm-deps-hash.txt::');
    expect(hashFile(dir)).toBe(`${FAKE}\n`);

    const update = await run(dir, ['--offline']);
    expect(update.code, update.stderr).toBe(0);
    expect(hashFile(dir)).toBe(`${got}\n`);
    expect(update.stderr).toContain(`${FAKE} -> ${got}`);

    const again = await run(dir, ['--offline', '--check']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('is up to date');
  }, 180_000); // three runs of the offline script

  it('writes nothing but one SRI hash: a stray line on the computation\'s stdout is refused', async () => {
    const dir = offlineProbe();
    // A stand-in for the offline script (not the script under test here): a tool that printed
    // to stdout would put its line before the hash.
    const hash = 'sha256-E8unzH/OTuskWhJlxg7I1iXnPj2Rc1HIhE6h3+mXxTk=';
    writeTree(dir, { 'scripts/pnpm-deps-hash-offline': { content: `#!/bin/sh\necho 'Progress: done'\necho '${hash}'\n`, mode: 0o755 } });
    const r = await run(dir, ['--offline']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is not one SRI sha256 hash .* is unchanged/s);
    expect(hashFile(dir)).toBe(`${FAKE}\n`);
  });

  it('leaves the file alone when the offline computation fails', async () => {
    const dir = offlineProbe('3.0.0'); // package.json asks for a version the lock file does not pin
    const r = await run(dir, ['--offline']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/scripts\/pnpm-deps-hash-offline failed .* is unchanged/);
    expect(hashFile(dir)).toBe(`${FAKE}\n`);
  });
});
