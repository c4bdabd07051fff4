// verify interrupted while Nix builds: Ctrl-C (SIGINT to the whole foreground process group),
// SIGTERM to verify alone, SIGHUP (terminal closed). The run dies of the signal and records
// nothing: neither `verified` nor `rejected` (Nix, interrupted, exits 1 like a failed build).
// Nix is given the time to stop its builders and remove its build directory: killed at once,
// it left the builder running (Nix starts builders in their own session, as another user) and
// `nix-build-*` in TMPDIR. A re-run then verifies. Real processes, real git, real Nix.
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { alive, nixConfigSeeing, processesMentioning, startRunner, waitFor, waitForBuilder } from './builder-process.js';
import { fixtureGenome, memoryDir, readmeProposal, runner } from './support.js';

/**
 * A genome whose flake check sleeps while `<probe>/slow` exists (the probe directory is
 * world-writable and handed to a sandboxed builder with extra-sandbox-paths: builders run as
 * nixbld, in their own namespaces). Where the sandbox has no /bin/sleep (GitHub's Nix gives
 * builders only a busybox /bin/sh), the loop spins instead, quietly.
 */
function slowGenome(probe: string): string {
  const script = `while [ -e ${probe}/slow ]; do /bin/sleep 0.2 2>/dev/null; done; echo ok > $out`;
  const flake = `{ outputs = { self }: { checks.x86_64-linux.seed-slow = derivation { name = "seed-slow"; system = "x86_64-linux"; builder = "/bin/sh"; src = self; args = [ "-c" ${JSON.stringify(script)} ]; }; }; }\n`;
  return fixtureGenome('genome', { 'flake.nix': flake });
}

describe.each([
  ['SIGINT', 'group', 'Ctrl-C'],
  ['SIGTERM', 'pid', 'kill'],
  ['SIGHUP', 'group', 'terminal closed'],
] as const)('verify interrupted by %s to its %s (%s) while Nix builds', (signal, target, _what) => {
  it('dies of the signal, records nothing, stops the builder, leaves nothing in TMPDIR; a re-run verifies', async () => {
    const probe = tempDir('aos-probe-');
    chmodSync(probe, 0o777);
    const slow = join(probe, 'slow');
    writeFileSync(slow, '');
    const root = slowGenome(probe);
    const proposal = readmeProposal(root, {}, `interrupted ${process.hrtime.bigint()}\n`);
    const mem = memoryDir();
    const tmp = tempDir('aos-tmp-');
    const args = ['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem];
    const env = { TMPDIR: tmp, NIX_CONFIG: nixConfigSeeing(probe) };
    const run = startRunner(args, env);
    try {
      const builder = await waitForBuilder(slow);
      expect(alive(builder)).toBe(true);

      process.kill(target === 'group' ? -run.pid : run.pid, signal);
      const end = await run.done;
      expect({ code: end.code, signal: end.signal }, end.stderr).toEqual({ code: null, signal });
      expect(end.stdout).toBe('');
      await waitFor('the builder to stop', () => !alive(builder), 10_000);
      expect(processesMentioning(tmp)).toEqual([]);
      expect(readdirSync(tmp)).toEqual([]); // no candidate, no nix-build-* directory
      expect(existsSync(join(mem, 'mutation-results.jsonl'))).toBe(false);

      rmSync(slow);
      const again = runner(args, { env });
      expect(again.code, again.stderr).toBe(0);
      expect(again.json().status).toBe('verified');
      const ledgers = runCli('mutation-journal', ['ledger', 'verify', '--all', '--memory-dir', mem]);
      expect(ledgers.code, ledgers.stderr).toBe(0);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      // A failed expectation (or the test's timeout) must not leave verify and its builder
      // running: the builder loops for as long as the probe's `slow` file exists.
      rmSync(slow, { force: true });
      run.stop();
    }
  }, 180_000);
});

describe('verify interrupted after its record was journaled, while the candidate is removed', () => {
  it('prints the journaled record before it dies of the signal (it died silently, and the ledger held a record the user never saw)', async () => {
    const bulk: Record<string, string> = {};
    for (let i = 0; i < 6000; i++) bulk[`bulk/f${i}.txt`] = `${i}\n`; // a removal that takes a while
    const root = fixtureGenome('genome', bulk);
    const proposal = readmeProposal(root);
    const mem = memoryDir();
    const tmp = tempDir('aos-tmp-');
    let sent = false;
    const run = startRunner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem], { TMPDIR: tmp, AUTOPOIETIC_LOG_LEVEL: 'debug' }, (stderr) => {
      if (sent || !stderr.includes('"msg":"journaled"')) return;
      sent = true;
      process.kill(-run.pid, 'SIGINT');
    });
    try {
      const end = await run.done;
      expect(sent).toBe(true);
      expect({ code: end.code, signal: end.signal }, end.stderr).toEqual({ code: null, signal: 'SIGINT' });
      const printed = JSON.parse(end.stdout);
      const journaled = readFileSync(join(mem, 'mutation-results.jsonl'), 'utf8').trim().split('\n');
      expect(journaled).toHaveLength(1);
      expect(printed).toEqual(JSON.parse(journaled[0]!));
      expect(printed.status).toBe('verified');
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      run.stop();
    }
  }, 120_000);
});
