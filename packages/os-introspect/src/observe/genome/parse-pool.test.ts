import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setLogger } from '@autopoietic/core/cli-kit';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { GenomeLayout } from './model.js';
import { parseAll } from './parse-pool.js';
import type { EarlyWorkers } from './parse-threads.js';

/** The debug traces of a run (trace.ts), by message. */
function captureTraces(): Map<string, Record<string, unknown>> {
  const seen = new Map<string, Record<string, unknown>>();
  setLogger({ isLevelEnabled: () => true, debug: (fields: Record<string, unknown>, msg: string) => seen.set(msg, fields) } as unknown as Parameters<typeof setLogger>[0]);
  return seen;
}

afterEach(() => setLogger(undefined));

/** `n` module files, each with options and config (a few hundred microseconds of work each). */
function genome(n: number): { root: string; rels: string[] } {
  const root = tempDir();
  const rels = Array.from({ length: n }, (_, i) => `m${i}.nix`);
  rels.forEach((rel, i) => {
    const text = `{ config, lib, ... }: {\n  options.services.s${i}.enable = lib.mkEnableOption "s${i}";\n  config = lib.mkIf config.services.s${i}.enable { networking.firewall.allowedTCPPorts = [ ${i} ]; };\n}\n`;
    writeFileSync(join(root, rel), text);
  });
  return { root, rels };
}

describe('parseAll', () => {
  it('stops parsing in this thread too when its parse worker fails, and only then fails', async () => {
    const { root, rels } = genome(2000);
    // A worker that dies as soon as it is handed files.
    const script = join(tempDir(), 'dies.mjs');
    writeFileSync(script, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', (m) => { if ('jobs' in m) process.exit(3); });\n");
    const early = { script, take: () => [], close: () => undefined } as unknown as EarlyWorkers;
    const traces = captureTraces();
    const run = parseAll(
      rels.map((rel) => ({ rel, abs: join(root, rel) })),
      { jobs: 'auto', known: new Set(), layout: new GenomeLayout(rels), early },
    );
    if (availableParallelism() < 2) {
      // One core: no worker is started, and this thread parses every file.
      expect((await run).results).toHaveLength(2000);
      return;
    }
    await expect(run).rejects.toMatchObject({ code: 'parse-worker-failed' });
    // Once the run failed, nothing was left parsing: this thread had stopped, well short of the queue.
    const here = traces.get('analysed here');
    expect(here).toBeDefined();
    expect(here!.files as number).toBeLessThan(1000);
  });
});
