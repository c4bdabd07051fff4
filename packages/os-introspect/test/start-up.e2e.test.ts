import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { sandbox } from './helpers.js';

const BIN = join(REPO_ROOT, 'packages', 'os-introspect', 'bin', 'os-introspect.js');

/**
 * Runs the bin with a module-resolution hook that reports every module the main thread loads.
 * AUTOPOIETIC_DEBUG runs the compiled dist/ module by module (the bundle, one file, resolves
 * nothing; it keeps the sources' lazy imports lazy).
 */
function loadedModules(args: string[]): string[] {
  const hooks = join(tempDir(), 'hooks.mjs');
  writeFileSync(hooks, 'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`LOADED ${r.url}\\n`); return r; }\n');
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(pathToFileURL(hooks).href)})`;
  const r = spawnSync(process.execPath, ['--import', register, BIN, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, AUTOPOIETIC_LOG_LEVEL: 'warn', AUTOPOIETIC_DEBUG: '1' } });
  expect(r.status, r.stderr).toBe(0);
  return r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
}

// zod and the schemas cost about a fifth of a warm run: they are loaded only to explain a record
// that fails its compiled validator, and the ledger verifier only when there is a ledger.
describe('os-introspect start-up', () => {
  it.each([['a first run'], ['a run that reuses the genome']])('%s loads neither zod, the schemas nor the ledger verifier', (label) => {
    const s = sandbox();
    const args = ['--root', s.root, '--memory-dir', s.memory, '--etc-dir', s.etc];
    if (label !== 'a first run') loadedModules(args);
    // ledger/paths and ledger/ledger-names are path rules (a few lines each, no zod), not the ledger.
    const heavy = loadedModules(args).filter((url) => /\/zod\/|\/ledger\/(?!paths|ledger-names)|\/schemas\/(?!compiled\/|version|ledgers)/.test(url));
    expect(heavy).toEqual([]);
  });
});
