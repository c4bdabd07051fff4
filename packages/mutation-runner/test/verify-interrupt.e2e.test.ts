// verify interrupted while Nix builds: Ctrl-C (SIGINT to the whole foreground process group),
// SIGTERM to verify alone, SIGHUP (terminal closed). The run dies of the signal and records
// nothing: neither `verified` nor `rejected` (Nix, interrupted, exits 1 like a failed build).
// Nix is given the time to stop its builders and remove its build directory: killed at once,
// it left the builder running (Nix starts builders in their own session, as another user) and
// `nix-build-*` in TMPDIR. A re-run then verifies. Real processes, real git, real Nix.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { fixtureGenome, memoryDir, readmeProposal, runner } from './support.js';

const BIN = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');

/**
 * A genome whose flake check writes its builder's pid to `<probe>/builder.pid` and then sleeps
 * while `<probe>/slow` exists (the probe directory is world-writable: builders run as nixbld).
 */
function slowGenome(probe: string): string {
  const script = `echo $$ > ${probe}/builder.pid; while [ -e ${probe}/slow ]; do /bin/sleep 0.2; done; echo ok > $out`;
  const flake = `{ outputs = { self }: { checks.x86_64-linux.seed-slow = derivation { name = "seed-slow"; system = "x86_64-linux"; builder = "/bin/sh"; src = self; args = [ "-c" ${JSON.stringify(script)} ]; }; }; }\n`;
  return fixtureGenome('genome', { 'flake.nix': flake });
}

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `text` (a work dir: nix and its builders name the candidate). */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        if (cmd.includes(text) && Number(pid) !== process.pid) found.push(`${pid} ${cmd}`);
      } catch {
        /* gone */
      }
    }
    return found;
  }

  async function waitFor(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
    const until = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
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
      // detached: verify leads a process group of its own, as a shell's foreground job does.
      const child = spawn(process.execPath, [BIN, ...args], { env: testEnv({ TMPDIR: tmp }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, sig) => r({ code, signal: sig })));
      try {
      const pidFile = join(probe, 'builder.pid');
      await waitFor('the builder to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
      const builder = Number(readFileSync(pidFile, 'utf8'));
      expect(alive(builder)).toBe(true);

      process.kill(target === 'group' ? -child.pid! : child.pid!, signal);
      const end = await exited;
      expect(end, stderr).toEqual({ code: null, signal });
      expect(stdout).toBe('');
      await waitFor('the builder to stop', () => !alive(builder), 10_000);
      expect(processesMentioning(tmp)).toEqual([]);
      expect(readdirSync(tmp)).toEqual([]); // no candidate, no nix-build-* directory
      expect(existsSync(join(mem, 'mutation-results.jsonl'))).toBe(false);

      rmSync(slow);
      const again = runner(args, { env: { TMPDIR: tmp } });
      expect(again.code, again.stderr).toBe(0);
      expect(again.json().status).toBe('verified');
      const ledgers = runCli('mutation-journal', ['ledger', 'verify', '--all', '--memory-dir', mem]);
      expect(ledgers.code, ledgers.stderr).toBe(0);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      // A failed expectation (or the test's timeout) must not leave verify and its builder
      // running: the builder loops for as long as the probe's `slow` file exists.
      rmSync(slow, { force: true });
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
  }, 180_000);
});
