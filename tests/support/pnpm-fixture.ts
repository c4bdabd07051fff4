import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { REPO_ROOT } from './cli.js';
import { testEnv } from './nix-env.js';
import { tempDir } from './tmp.js';

// A pnpm project whose one dependency is served by a registry on 127.0.0.1, so that tests of
// scripts/pnpm-deps-hash-offline run pnpm install for real without the network.

export interface ProbePackage {
  version: string;
  /** Text of index.js; a new text is a new tarball, so a new store and hash. */
  body: string;
}

export const PROBE_NAME = 'aos-probe-pkg';

export interface Registry {
  url: string;
  integrity(version: string): string;
  close(): Promise<void>;
}

/** Packs each version (package.json, index.js, an executable bin/run.js) and serves the tarballs. */
export async function startRegistry(versions: ProbePackage[]): Promise<Registry> {
  const tarballs = new Map<string, Buffer>();
  for (const pkg of versions) tarballs.set(`/${PROBE_NAME}/-/${PROBE_NAME}-${pkg.version}.tgz`, packProbe(pkg));
  const server = createServer((req, res) => {
    const body = tarballs.get(req.url ?? '');
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/octet-stream' });
    res.end(body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    integrity: (version) => {
      const tgz = tarballs.get(`/${PROBE_NAME}/-/${PROBE_NAME}-${version}.tgz`);
      if (!tgz) throw new Error(`no probe tarball for version ${version}`);
      return `sha512-${createHash('sha512').update(tgz).digest('base64')}`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function packProbe(pkg: ProbePackage): Buffer {
  const dir = tempDir('aos-probe-pack-');
  const files: Record<string, string> = {
    'package/package.json': `${JSON.stringify({ name: PROBE_NAME, version: pkg.version, bin: { 'aos-probe': 'bin/run.js' } })}\n`,
    'package/index.js': pkg.body,
    'package/bin/run.js': '#!/usr/bin/env node\nrequire("../index.js");\n',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  chmodSync(join(dir, 'package/bin/run.js'), 0o755);
  return execFileSync('tar', ['-czf', '-', '-C', dir, 'package']);
}

/** package.json and the pnpm-lock.yaml pnpm 10 writes for it, depending on the probe at `version`. */
export function writeProbeProject(dir: string, registry: Registry, version: string, lockVersion = version): void {
  mkdirSync(dir, { recursive: true });
  const manifest = { name: 'probe-project', version: '0.0.0', private: true, dependencies: { [PROBE_NAME]: version } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(dir, 'pnpm-lock.yaml'),
    `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      ${PROBE_NAME}:
        specifier: ${lockVersion}
        version: ${lockVersion}

packages:

  ${PROBE_NAME}@${lockVersion}:
    resolution: {integrity: ${registry.integrity(lockVersion)}}
    hasBin: true

snapshots:

  ${PROBE_NAME}@${lockVersion}: {}
`,
  );
}

/**
 * PNPM_DEPS_HASH_TOOLS for the script: the workspace's pnpm (tools/, which setup installs when no
 * pnpm 10 is on PATH; else the one on PATH, as in `nix develop`) and this machine's tar, zstd and
 * jq. `zstdArgs` wraps zstd with extra arguments.
 */
export function hostTools(zstdArgs: string[] = []): string {
  const dir = tempDir('aos-hash-tools-');
  const pinned = join(REPO_ROOT, 'tools', 'node_modules', '.bin', 'pnpm');
  const pnpm = existsSync(pinned) ? pinned : spawnSync('sh', ['-c', 'command -v pnpm'], { encoding: 'utf8' }).stdout.trim();
  if (!pnpm) throw new Error(`no pnpm: neither ${pinned} nor one on PATH (run bash scripts/setup.sh test)`);
  symlinkSync(pnpm, join(dir, 'pnpm'));
  for (const tool of ['tar', 'jq']) symlinkSync(which(tool), join(dir, tool));
  const zstd = which('zstd');
  writeFileSync(join(dir, 'zstd'), `#!/bin/sh\nexec ${zstd} ${zstdArgs.join(' ')} "$@"\n`, { mode: 0o755 });
  return dir;
}

function which(tool: string): string {
  return execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim();
}

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Process groups of scripts still running; afterEach kills them (a timed-out or failed test). */
const running = new Set<number>();
afterEach(() => {
  for (const pid of running) killGroup(pid);
  running.clear();
});

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/**
 * Runs a script asynchronously, so that the registry in this process can answer it. The script
 * leads a process group of its own, so that a kill reaches pnpm, tar and Nix under it too.
 */
export function runScript(script: string, args: string[], env: Record<string, string>, cwd?: string): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [script, ...args], { cwd, env: testEnv(env), detached: true });
    const pid = child.pid!;
    running.add(pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(pid);
      if (code === null) stderr += `\n[killed by ${signal}]`;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Environment for the script: these tools, this registry, a dead proxy for anything else, and a
 * TMPDIR of its own (empty again after every run, which tests check).
 */
export function offlineEnv(tools: string, registry: Registry): Record<string, string> {
  return {
    PNPM_DEPS_HASH_TOOLS: tools,
    PNPM_DEPS_HASH_CACHE: tempDir('aos-hash-cache-'),
    TMPDIR: tempDir('aos-hash-tmp-'),
    NIX_NPM_REGISTRY: registry.url,
    http_proxy: 'http://127.0.0.1:9',
    https_proxy: 'http://127.0.0.1:9',
    no_proxy: '127.0.0.1,localhost',
  };
}

export const readText = (path: string) => readFileSync(path, 'utf8');
