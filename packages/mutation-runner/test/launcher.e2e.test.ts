// The bin launcher runs the bundle that `pnpm build` made (scripts/bundle.ts) only while it is
// current: when tsc has rebuilt a package the bundle was made from, or there is no bundle, it runs
// the compiled dist/ instead. Tested on a copy of the launcher in a scratch package layout.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { tempDir, writeTree } from '../../../tests/support/tmp.js';

const LAUNCHER = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');
const LOADER_DIR = join(REPO_ROOT, 'packages', 'core', 'bin');
const ID = '0123456789abcdef';

/** packages/{core,mutation-runner} with stub entry points that say which one ran. */
function layout(): { packages: string; run: (env?: Record<string, string>) => string } {
  const packages = join(tempDir(), 'packages');
  const cache = tempDir();
  writeTree(packages, {
    'core/dist/.tsbuildinfo': '{}',
    'mutation-runner/package.json': '{ "type": "module" }\n',
    'mutation-runner/dist/.tsbuildinfo': '{}',
    'mutation-runner/dist/bin.js': "console.log('compiled dist');\n",
    [`mutation-runner/dist/bundle/${ID}/cli.cjs`]: "exports.main = async (argv) => console.log('bundle', argv.slice(2).join(' '));\n",
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
  return { packages, run };
}

/** What scripts/bundle.ts writes: the bundle's name and the build-info files it was made from. */
function record(packages: string, id = ID) {
  const dist = join(packages, 'mutation-runner', 'dist');
  const inputs = ['../../core/dist/.tsbuildinfo', '.tsbuildinfo'].map((path) => ({ path, mtimeMs: statSync(join(dist, path)).mtimeMs }));
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
