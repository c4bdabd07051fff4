// The bundle `pnpm build` makes of mutation-journal (packages/mutation-runner/scripts/bundle.ts):
// the bin runs it, and every file it reaches by its original location exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

const PKG = join(REPO_ROOT, 'packages', 'mutation-journal');
const BIN = join(PKG, 'bin', 'mutation-journal.js');
const current = () => JSON.parse(readFileSync(join(PKG, 'dist', 'bundle', 'current.json'), 'utf8')) as { bundle: string };
/** The launcher's own rule for a code cache's file name (one place for it). */
const { codeCacheFile } = createRequire(import.meta.url)('../../core/bin/bundle-loader.js') as {
  codeCacheFile: (env: NodeJS.ProcessEnv, id: string, command: string, cli: string, dir: string) => string;
};

describe('the mutation-journal bundle', () => {
  it('points every rewritten module URL and its ledger-verify worker at an existing file', () => {
    const dir = join(PKG, 'dist', 'bundle', current().bundle);
    const refs = [...readFileSync(join(dir, 'cli.cjs'), 'utf8').matchAll(/__aosFileUrl\("([^"]+)"\)/g)].map((m) => m[1]!);
    expect(refs.some((r) => r.endsWith('verify-worker.cjs'))).toBe(true);
    for (const ref of refs) expect(existsSync(resolve(dir, ref)), ref).toBe(true);
  });

  it('is what the bin runs: a command that succeeds leaves the bundle its code cache', () => {
    const cache = tempDir();
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CACHE_HOME: cache };
    delete env.AUTOPOIETIC_DEBUG; // which runs dist/ instead
    const r = spawnSync(process.execPath, [BIN, 'list', 'mutations', '--memory-dir', tempDir()], { encoding: 'utf8', env });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    const { bundle } = current();
    const expected = codeCacheFile({ XDG_CACHE_HOME: cache }, bundle, 'list', 'mutation-journal', join(PKG, 'dist', 'bundle', bundle));
    expect(basename(expected)).toMatch(new RegExp(`^mutation-journal-${bundle}-[0-9a-f]{8}-v.*-list\\.v8cache$`));
    expect(readdirSync(join(cache, 'autopoietic'))).toEqual([basename(expected)]);
  });
});
