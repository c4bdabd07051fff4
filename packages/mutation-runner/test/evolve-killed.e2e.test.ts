import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killGroup, liveGroupMembers, waitUntil } from '../../../tests/support/process-group.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { exited, hangGenerator, type Hanging, startEvolve, waitForGenerator } from './evolve-process.js';
import { exampleGenome } from './evolve-support.js';

/**
 * An evolve killed with SIGKILL (or by the OOM killer) runs no handler of its own. Its generator
 * (an LLM client that costs money while it runs, a runaway loop) must not run on for the rest of
 * its timeout: the watchdog it runs under kills its whole process group, SIGTERM then SIGKILL
 * after the 1 s grace.
 */
describe('evolve killed with SIGKILL while its generator runs', () => {
  it.each([
    ['its generator and what it started are gone within seconds', false, 3000],
    ['a generator that ignores SIGTERM is killed after the grace', true, 4000],
  ])('%s', async (_what, ignoreTerm, withinMs) => {
    const ready = join(tempDir('aos-ready-'), 'generator.json');
    const run = startEvolve(exampleGenome(), tempDir('aos-tmpdir-'), ready, hangGenerator({ ignoreTerm }));
    let g: Hanging | undefined;
    try {
      g = await waitForGenerator(ready, run);
      expect(g.pgid).not.toBe(g.pid); // the watchdog leads the group
      expect(liveGroupMembers(g.pgid)).toEqual(expect.arrayContaining([g.pgid, g.pid, g.child]));
      run.kill('SIGKILL');
      await exited(run);
      const t0 = Date.now();
      // The default generator timeout is 300 s: only the watchdog ends the group this soon.
      expect(await waitUntil(() => liveGroupMembers(g!.pgid).length === 0, 10_000)).toBe(true);
      expect(Date.now() - t0).toBeLessThan(withinMs);
    } finally {
      run.kill('SIGKILL');
      await exited(run);
      killGroup(g?.pgid);
    }
  });

  // The handled signals are as before: evolve's own handler stops the group, removes the sandbox and dies of the signal.
  it('SIGTERM (handled) still stops the generator, removes its sandbox, and evolve dies of the signal', async () => {
    const ready = join(tempDir('aos-ready-'), 'generator.json');
    const run = startEvolve(exampleGenome(), tempDir('aos-tmpdir-'), ready, hangGenerator());
    let g: Hanging | undefined;
    try {
      g = await waitForGenerator(ready, run);
      run.kill('SIGTERM');
      await exited(run);
      expect(run.signalCode).toBe('SIGTERM');
      expect(liveGroupMembers(g.pgid)).toEqual([]);
      expect(existsSync(g.cwd)).toBe(false);
    } finally {
      run.kill('SIGKILL');
      await exited(run);
      killGroup(g?.pgid);
    }
  });
});
