import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

const BIN = join(REPO_ROOT, 'packages', 'mutation-journal', 'bin', 'mutation-journal.js');

/**
 * Runs the bin with a module-resolution hook that reports every module it loads.
 * AUTOPOIETIC_DEBUG runs the compiled dist/ module by module (the bundle, one file, resolves
 * nothing; it keeps the sources' lazy imports lazy).
 */
function loadedModules(args: string[]): string[] {
  const hooks = join(tempDir(), 'hooks.mjs');
  writeFileSync(hooks, 'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`LOADED ${r.url}\\n`); return r; }\n');
  const register = `data:text/javascript,import{register}from"node:module";register(${JSON.stringify(pathToFileURL(hooks).href)})`;
  const r = spawnSync(process.execPath, ['--import', register, BIN, ...args], { encoding: 'utf8', env: { ...process.env, AUTOPOIETIC_DEBUG: '1' } });
  expect(r.status).toBe(0);
  const loaded = r.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7));
  expect(loaded.some((url) => url.endsWith('/mutation-journal/dist/program.js'))).toBe(true); // it ran dist/, module by module
  return loaded;
}

describe('mutation-journal start-up', () => {
  it.each([[['--help']], [['append', '--help']], [['ledger', 'verify', '--help']], [['list', '--help']]])('%j loads neither zod, pino nor the ledger', (args) => {
    const heavy = loadedModules(args).filter((url) => /\/zod\/|\/pino|\/ledger\/|\/schemas\//.test(url));
    expect(heavy).toEqual([]);
  });
});
