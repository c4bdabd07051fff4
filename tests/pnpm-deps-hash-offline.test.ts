import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';
import {
  hostTools,
  offlineEnv,
  type Registry,
  runScript,
  startRegistry,
  writeProbeProject,
} from './support/pnpm-fixture.js';
import { tempDir } from './support/tmp.js';

// scripts/pnpm-deps-hash-offline for real: pnpm installs from a registry on 127.0.0.1 into an
// empty store, the store is normalised and packed, and Nix hashes the result. The tools are this
// machine's (PNPM_DEPS_HASH_TOOLS), so the hashes here are not the ones Nix would get (that needs
// tar 1.35 and zstd 1.5.7; docs/nix.md has the validation against real fetcher hashes); what is
// tested is every step the script takes, and that a wrong toolchain is caught.
const SCRIPT = join(REPO_ROOT, 'scripts', 'pnpm-deps-hash-offline');
const SRI = /^sha256-[A-Za-z0-9+/]{43}=$/;
const EMPTY_STORE_HASH = 'sha256-u0GOAX5B1f2ANWbOezScp/eKQRRZA/JoYfQ5zLrNip4=';

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry([
    { version: '1.0.0', body: 'module.exports = 1;\n' },
    { version: '1.0.1', body: 'module.exports = 2;\n' },
  ]);
});
afterAll(() => registry.close());

function project(version: string, lockVersion = version): string {
  const dir = tempDir('aos-hash-project-');
  writeProbeProject(dir, registry, version, lockVersion);
  return dir;
}

/** `tar -tv` of the fetcher's tarball, one entry per line, numeric owners and full times. */
function listing(out: string): string[] {
  const tar = execFileSync('sh', ['-c', 'zstd -dc "$1" | tar -tv --numeric-owner --full-time', 'sh', join(out, 'pnpm-store.tar.zst')], {
    encoding: 'utf8',
  });
  return tar.trim().split('\n');
}

function extract(out: string, member: string): string {
  return execFileSync('sh', ['-c', 'zstd -dc "$1" | tar -xO "$2"', 'sh', join(out, 'pnpm-store.tar.zst'), member], {
    encoding: 'utf8',
  });
}

const sortKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortKeys)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]))
      : v;

describe('scripts/pnpm-deps-hash-offline', () => {
  it('hashes the same store the same way on every run, laid out as the fetcher lays it out', async () => {
    const src = project('1.0.0');
    const outs = [join(tempDir('aos-hash-out-'), 'out'), join(tempDir('aos-hash-out-'), 'out')];
    const env = offlineEnv(hostTools(), registry);
    const first = await runScript(SCRIPT, ['--source', src, '--out', outs[0]!], env);
    expect(first.code, first.stderr).toBe(0);
    // A second run at another time, in other temp directories: the index files' checkedAt
    // times and the v10/projects link to the source differ, and must not reach the hash.
    const second = await runScript(SCRIPT, ['--source', src, '--out', outs[1]!], env);
    expect(second.code, second.stderr).toBe(0);
    const hash = first.stdout.trim();
    expect(hash).toMatch(SRI);
    expect(second.stdout.trim()).toBe(hash);
    expect(first.stderr).toMatch(/warning: tools from .*unchecked/);
    expect(readdirSync(env.TMPDIR!)).toEqual([]);

    const out = outs[0]!;
    expect(readFileSync(join(out, '.fetcher-version'), 'utf8')).toBe('3\n');
    const nar = execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'path', '--sri', out], {
      encoding: 'utf8',
    });
    expect(nar.trim()).toBe(hash);

    const entries = listing(out);
    expect(entries[0]).toMatch(/^dr-xr-xr-x 0\/0 +0 1980-01-01 00:00:00 \.\/$/);
    for (const e of entries) expect(e).toMatch(/^[d-](r[-w][-x]){3} 0\/0 .* 1980-01-01 00:00:00 /);
    expect(entries.filter((e) => e.startsWith('d')).every((e) => e.startsWith('dr-xr-xr-x'))).toBe(true);
    const execs = entries.filter((e) => e.endsWith('-exec'));
    expect(execs).toHaveLength(1); // bin/run.js, the probe's one executable file
    expect(execs[0]).toMatch(/^-r-xr-xr-x /);
    expect(entries.filter((e) => e.startsWith('-') && !e.endsWith('-exec')).every((e) => e.startsWith('-r--r--r--'))).toBe(true);
    expect(entries.some((e) => / \.\/v10\/(tmp|projects)(\/|$)/.test(e))).toBe(false);

    const index = entries.map((e) => e.split(' ').pop()!).find((p) => p.startsWith('./v10/index/') && p.endsWith('.json'));
    expect(index, entries.join('\n')).toBeDefined();
    const text = extract(out, index!);
    expect(text).not.toContain('checkedAt');
    expect(text).toBe(`${JSON.stringify(sortKeys(JSON.parse(text)), null, 2)}\n`);
    expect(Object.keys(JSON.parse(text).files).sort()).toEqual(['bin/run.js', 'index.js', 'package.json']);
  }, 180_000); // two runs; a loaded 2-core machine takes several times the usual 3 s each

  it('gives another hash for a lock file that pins another tarball', async () => {
    const env = offlineEnv(hostTools(), registry);
    const a = await runScript(SCRIPT, ['--source', project('1.0.0')], env);
    const b = await runScript(SCRIPT, ['--source', project('1.0.1')], env);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout.trim()).toMatch(SRI);
    expect(b.stdout.trim()).not.toBe(a.stdout.trim());
  }, 180_000);

  it('fails with a hint and prints no hash when pnpm-lock.yaml does not match package.json', async () => {
    const out = join(tempDir('aos-hash-out-'), 'out');
    const env = offlineEnv(hostTools(), registry);
    const r = await runScript(SCRIPT, ['--source', project('1.0.1', '1.0.0'), '--out', out], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error: pnpm install --frozen-lockfile failed for /);
    expect(r.stderr).toMatch(/hint: the lock file must match every package\.json/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(env.TMPDIR!)).toEqual([]);
  });

  it('exits 1, not the failing tool\'s own code, and leaves nothing behind when a step fails', async () => {
    const tools = hostTools();
    rmSync(join(tools, 'tar'));
    writeFileSync(join(tools, 'tar'), '#!/bin/sh\necho "tar: simulated failure" >&2; exit 2\n', { mode: 0o755 });
    const env = offlineEnv(tools, registry);
    const r = await runScript(SCRIPT, ['--source', project('1.0.0')], env);
    expect(r.stderr).toContain('tar: simulated failure');
    expect(r.code).toBe(1); // tar's 2 would read as a usage error
    expect(r.stdout).toBe('');
    expect(readdirSync(env.TMPDIR!)).toEqual([]);
  });

  it('refuses a lock file with patched dependencies, whose patch files it would not copy', async () => {
    const src = project('1.0.0');
    const lock = join(src, 'pnpm-lock.yaml');
    execFileSync('sh', ['-c', `printf '\\npatchedDependencies:\\n  x: patches/x.patch\\n' >> "$1"`, 'sh', lock]);
    const r = await runScript(SCRIPT, ['--source', src], offlineEnv(hostTools(), registry));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has patchedDependencies/);
    expect(r.stderr).toMatch(/hint: use scripts\/update-pnpm-deps-hash/);
  });

  it('--self-check stops when the tools do not reproduce the empty-store hash nixpkgs pins', async () => {
    // zstd without its frame checksum writes other bytes on any machine, whatever its tar.
    const r = await runScript(SCRIPT, ['--self-check'], offlineEnv(hostTools(['--no-check']), registry));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`nixpkgs as ${EMPTY_STORE_HASH}`);
    expect(r.stderr).toMatch(/hint: the tarball needs GNU tar 1\.35 and zstd 1\.5\.7/);
  });

  it('exits 2 on an unknown argument and 1 when --out already exists', async () => {
    const env = offlineEnv(hostTools(), registry);
    const usage = await runScript(SCRIPT, ['--frobnicate'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/usage: .*--source DIR/);
    const taken = await runScript(SCRIPT, ['--out', tempDir('aos-hash-out-')], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/--out .* already exists/);
    const orphan = await runScript(SCRIPT, ['--out', join(tempDir('aos-hash-out-'), 'missing', 'out')], env);
    expect(orphan.code).toBe(1);
    expect(orphan.stderr).toMatch(/--out .*: its parent directory does not exist/);
  });

  it('names a wrong --source or tools directory before running any tool', async () => {
    const empty = tempDir('aos-hash-empty-');
    const noLock = await runScript(SCRIPT, ['--source', empty], offlineEnv(empty, registry));
    expect(noLock.code).toBe(1);
    expect(noLock.stderr).toMatch(/error: no pnpm-lock\.yaml in .*\n.*hint: run pnpm install there first/);
    const noTools = await runScript(SCRIPT, ['--source', project('1.0.0')], offlineEnv(empty, registry));
    expect(noTools.code).toBe(1);
    expect(noTools.stderr).toMatch(/error: PNPM_DEPS_HASH_TOOLS=.* has no executable pnpm/);
  });
});
