// The bin launcher runs the bundle that `pnpm build` made (scripts/bundle.ts) only while it is
// current: when tsc has rebuilt a package the bundle was made from, or there is no bundle, it runs
// the compiled dist/ instead. Tested on a copy of the launcher in a scratch package layout.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { tempDir, writeTree } from '../../../tests/support/tmp.js';

const LAUNCHER = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');
const LOADER_DIR = join(REPO_ROOT, 'packages', 'core', 'bin');
const ID = '0123456789abcdef';
const CLIS = ['mutation-runner', 'os-introspect', 'mutation-journal'] as const;
/** What Node 20 prints when it loads the bundle NODE_EXTRA_CA_CERTS names at start-up and the file is missing. */
const CA_WARNING = /Ignoring extra certs/;

/** packages/{core,mutation-runner} with stub entry points that say which one ran. */
function layout(bundleSource = "exports.main = async (argv) => console.log('bundle', argv.slice(2).join(' '));\n"): { packages: string; bin: string; run: (env?: Record<string, string>) => string } {
  const packages = join(tempDir(), 'packages');
  const cache = tempDir();
  writeTree(packages, {
    'core/dist/.tsbuildinfo': '{}',
    'mutation-runner/package.json': '{ "type": "module" }\n',
    'mutation-runner/dist/.tsbuildinfo': '{}',
    'mutation-runner/dist/bin.js': "console.log('compiled dist');\n",
    [`mutation-runner/dist/bundle/${ID}/cli.cjs`]: bundleSource,
  });
  mkdirSync(join(packages, 'mutation-runner', 'bin'));
  const bin = join(packages, 'mutation-runner', 'bin', 'mutation-runner.js');
  copyFileSync(LAUNCHER, bin);
  copyFileSync(join(dirname(LAUNCHER), 'package.json'), join(dirname(bin), 'package.json'));
  mkdirSync(join(packages, 'core', 'bin'));
  for (const name of ['bundle-loader.js', 'package.json']) copyFileSync(join(LOADER_DIR, name), join(packages, 'core', 'bin', name));
  const run = (env: Record<string, string> = {}) => {
    const base = { ...process.env };
    delete base.AUTOPOIETIC_DEBUG;
    const r = spawnSync(process.execPath, [bin, 'a', 'b'], { encoding: 'utf8', env: { ...base, XDG_CACHE_HOME: cache, ...env } });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout.trim();
  };
  return { packages, bin, run };
}

/** What scripts/bundle.ts writes: the bundle's name and the build-info files it was made from (without their digests, as builds before them did). */
function record(packages: string, id = ID, { digests = true } = {}) {
  const dist = join(packages, 'mutation-runner', 'dist');
  const inputs = ['../../core/dist/.tsbuildinfo', '.tsbuildinfo'].map((path) => ({
    path,
    mtimeMs: statSync(join(dist, path)).mtimeMs,
    ...(digests ? { sha256: createHash('sha256').update(readFileSync(join(dist, path))).digest('hex') } : {}),
  }));
  writeTree(dist, { 'bundle/current.json': JSON.stringify({ bundle: id, inputs }) });
}

describe('bin launcher', () => {
  it('runs the current bundle', () => {
    const { packages, run } = layout();
    record(packages);
    expect(run()).toBe('bundle a b');
  });

  it('runs the compiled dist/ when tsc rebuilt a package since the bundle was made', () => {
    const { packages, run } = layout();
    record(packages);
    writeFileSync(join(packages, 'core', 'dist', '.tsbuildinfo'), '{"rebuilt":true}');
    utimesSync(join(packages, 'core', 'dist', '.tsbuildinfo'), new Date(), new Date(Date.now() + 5000));
    expect(run()).toBe('compiled dist');
  });

  it('runs the bundle when only the mtimes of the build-info files changed (a copy by tar or cp), not without their digests', () => {
    const { packages, run } = layout();
    record(packages);
    for (const pkg of ['core', 'mutation-runner']) utimesSync(join(packages, pkg, 'dist', '.tsbuildinfo'), new Date(), new Date(Date.now() - 1500));
    expect(run()).toBe('bundle a b');
    // A current.json written before digests were recorded: the mtime alone decides.
    record(packages, ID, { digests: false });
    utimesSync(join(packages, 'core', 'dist', '.tsbuildinfo'), new Date(), new Date(Date.now() + 5000));
    expect(run()).toBe('compiled dist');
  });

  it('runs the compiled dist/ without a bundle, or with a malformed bundle name', () => {
    const { packages, run } = layout();
    expect(run()).toBe('compiled dist');
    record(packages, '../../../evil');
    expect(run()).toBe('compiled dist');
  });

  it('runs the compiled dist/ with AUTOPOIETIC_DEBUG, for readable stack traces', () => {
    const { packages, run } = layout();
    record(packages);
    expect(run({ AUTOPOIETIC_DEBUG: '1' })).toBe('compiled dist');
  });

  it('runs the bundle of an installed package, which ships no build-info files', () => {
    const { packages, run } = layout();
    record(packages);
    rmSync(join(packages, 'core', 'dist', '.tsbuildinfo'));
    rmSync(join(packages, 'mutation-runner', 'dist', '.tsbuildinfo'));
    expect(run()).toBe('bundle a b');
  });
});

/** A bin run as an executable (its shell prologue, then `node` from PATH), optionally behind a wrapper command that execs the rest. */
function runAsExecutable(bin: string, env: Record<string, string | undefined>, args = ['a'], prefix: string[] = []) {
  const base: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: tempDir() };
  delete base.NODE_EXTRA_CA_CERTS;
  delete base.AUTOPOIETIC_NODE_EXTRA_CA_CERTS;
  delete base.AUTOPOIETIC_DEBUG;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  // The node on PATH is this one (the prologue execs `node`, as the shebang it replaced did).
  base.PATH = `${dirname(process.execPath)}:${base.PATH ?? ''}`;
  const [command, ...rest] = [...prefix, bin, ...args];
  return spawnSync(command!, rest, { encoding: 'utf8', env: base });
}

// The bins start as shell scripts that move NODE_EXTRA_CA_CERTS aside before Node starts (Node 20
// loads the bundle it names at start-up, ~90 ms), and the launcher puts it back for the processes
// the CLI starts. A missing file makes the start-up load print a warning: its absence shows that
// Node started without the variable.
describe('bin launcher and NODE_EXTRA_CA_CERTS', () => {
  /** A bundle that reports the two variables as it and a child process see them. */
  const reporter = `exports.main = async () => console.log(JSON.stringify({ own: process.env.NODE_EXTRA_CA_CERTS ?? null, moved: process.env.AUTOPOIETIC_NODE_EXTRA_CA_CERTS ?? null, child: require('node:child_process').execFileSync('sh', ['-c', 'printf %s "\${NODE_EXTRA_CA_CERTS-unset}"'], { encoding: 'utf8' }) }));\n`;

  it('starts Node without it, and gives it back to the CLI and the processes it starts', () => {
    const { packages, bin } = layout(reporter);
    record(packages);
    chmodSync(bin, 0o755);
    const r = runAsExecutable(bin, { NODE_EXTRA_CA_CERTS: '/nonexistent/extra-ca.pem' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(CA_WARNING);
    expect(JSON.parse(r.stdout)).toEqual({ own: '/nonexistent/extra-ca.pem', moved: null, child: '/nonexistent/extra-ca.pem' });
  });

  it('leaves it unset (or empty) when it was, and drops a stray copy of the moved value', () => {
    const { packages, bin } = layout(reporter);
    record(packages);
    chmodSync(bin, 0o755);
    const r = runAsExecutable(bin, { AUTOPOIETIC_NODE_EXTRA_CA_CERTS: '/stray.pem' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ own: null, moved: null, child: 'unset' });
    // Set but empty (Node loads nothing for it): passed on as it is.
    const empty = runAsExecutable(bin, { NODE_EXTRA_CA_CERTS: '', AUTOPOIETIC_NODE_EXTRA_CA_CERTS: '/stray.pem' });
    expect(empty.status, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({ own: '', moved: null, child: '' });
  });

  it('started by `node <bin>` (the Nix wrapper), Node reads it as usual and the CLI runs', () => {
    const { packages, bin } = layout(reporter);
    record(packages);
    const r = spawnSync(process.execPath, [bin], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: tempDir(), NODE_EXTRA_CA_CERTS: '/nonexistent/extra-ca.pem' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(CA_WARNING);
    expect(JSON.parse(r.stdout)).toMatchObject({ own: '/nonexistent/extra-ca.pem', moved: null });
  });

  it('keeps a NODE_EXTRA_CA_CERTS that is set over a moved value', () => {
    const { restoreExtraCaCerts } = createRequire(import.meta.url)(join(LOADER_DIR, 'bundle-loader.js')) as { restoreExtraCaCerts: (env: NodeJS.ProcessEnv) => void };
    const env: NodeJS.ProcessEnv = { NODE_EXTRA_CA_CERTS: '/given.pem', AUTOPOIETIC_NODE_EXTRA_CA_CERTS: '/moved.pem' };
    restoreExtraCaCerts(env);
    expect(env).toEqual({ NODE_EXTRA_CA_CERTS: '/given.pem' });
    const moved: NodeJS.ProcessEnv = { AUTOPOIETIC_NODE_EXTRA_CA_CERTS: '/moved.pem' };
    restoreExtraCaCerts(moved);
    expect(moved).toEqual({ NODE_EXTRA_CA_CERTS: '/moved.pem' });
  });

  it.each(CLIS)('%s, run as an executable, starts without loading it', (cli) => {
    const r = runAsExecutable(join(REPO_ROOT, 'packages', cli, 'bin', `${cli}.js`), { NODE_EXTRA_CA_CERTS: '/nonexistent/extra-ca.pem' }, ['--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(r.stderr).not.toMatch(CA_WARNING);
  });

  it('all three bins share the same shell prologue', () => {
    const prologue = (cli: string) => readFileSync(join(REPO_ROOT, 'packages', cli, 'bin', `${cli}.js`), 'utf8').split('\n').filter((l, i) => i === 0 || l.startsWith('":" //;'));
    expect(prologue('mutation-runner')[0]).toBe('#!/bin/sh');
    expect(prologue('os-introspect')).toEqual(prologue('mutation-runner'));
    expect(prologue('mutation-journal')).toEqual(prologue('mutation-runner'));
  });
});

// Under an address-space limit (ulimit -v) the prologue starts Node with
// --disable-wasm-trap-handler, so that WebAssembly memories need no ~10 GiB reservation each
// (ADR 0024); without a limit Node keeps its faster trap-handler bounds checks.
describe('bin launcher under an address-space limit', () => {
  const reporter = "exports.main = async () => console.log(JSON.stringify(process.execArgv.filter((a) => a.includes('wasm'))));\n";
  const limited = (kib: string) => ['sh', '-c', `ulimit -v ${kib} && exec "$@"`, 'sh'];

  it('passes --disable-wasm-trap-handler to Node only when ulimit -v sets a limit', () => {
    const { packages, bin } = layout(reporter);
    record(packages);
    chmodSync(bin, 0o755);
    const free = runAsExecutable(bin, {});
    expect(free.status, free.stderr).toBe(0);
    expect(JSON.parse(free.stdout)).toEqual([]);
    const capped = runAsExecutable(bin, {}, ['a', 'b c'], limited('3000000'));
    expect(capped.status, capped.stderr).toBe(0);
    expect(JSON.parse(capped.stdout)).toEqual(['--disable-wasm-trap-handler']);
    // A limit that is set but generous still gets the flag: a run starts a memory per parsing thread.
    const large = runAsExecutable(bin, {}, ['a'], limited('100000000'));
    expect(JSON.parse(large.stdout)).toEqual(['--disable-wasm-trap-handler']);
  });

  it('passes the CLI its arguments unchanged under a limit', () => {
    const { packages, bin } = layout();
    record(packages);
    chmodSync(bin, 0o755);
    const r = runAsExecutable(bin, {}, ['a', 'b c', '--', '$HOME'], limited('3000000'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('bundle a b c -- $HOME');
  });

  it.each(CLIS)('%s, run as an executable under ulimit -v 3000000, starts and prints its version', (cli) => {
    const r = runAsExecutable(join(REPO_ROOT, 'packages', cli, 'bin', `${cli}.js`), {}, ['--version'], limited('3000000'));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
