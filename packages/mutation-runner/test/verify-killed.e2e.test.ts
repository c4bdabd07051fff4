// verify killed with SIGKILL (or by the OOM killer) runs no handler: the timeouts of its checks
// die with it. Its checks run under a watchdog (ADR 0019) that stops each check's process group
// when verify dies, however it dies, so neither a check nor the Nix build it runs goes on alone.
// A watchdog that cannot start means the check does not run, and verify is not `verified`.
// Real processes, real git, real Nix.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { killGroup, liveGroupMembers, parentOf, pgidOf, waitUntil } from '../../../tests/support/process-group.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { alive, killBuilder, nixConfigSeeing, processesMentioning, startRunner, waitFor, waitForBuilder } from './builder-process.js';
import { fixtureGenome, ledger, memoryDir, readmeProposal } from './support.js';

const BIN = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');

/**
 * A genome whose flake check passes at once and whose package `slow` builds while `<probe>/slow`
 * exists (the probe directory is handed to a sandboxed builder with extra-sandbox-paths).
 */
function slowPackageGenome(probe: string): string {
  const script = `while [ -e ${probe}/slow ]; do /bin/sleep 0.2 2>/dev/null; done; echo ok > $out`;
  const drv = (name: string, body: string) => `derivation { name = "${name}"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" ${JSON.stringify(body)} ]; }`;
  const flake = `{ outputs = { self }: { checks.x86_64-linux.seed-ok = ${drv('seed-ok', 'echo ok > $out')}; packages.x86_64-linux.slow = ${drv('slow', script)}; }; }\n`;
  return fixtureGenome('genome', { 'flake.nix': flake });
}

/** The one process under `ancestor` whose command line matches `command`. */
function checkProcess(ancestor: number, command: RegExp): number {
  const under = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parentOf(p)) if (p === ancestor) return true;
    return false;
  };
  const found = processesMentioning('')
    .filter((p) => command.test(p.slice(p.indexOf(' ') + 1)))
    .map((p) => Number(p.split(' ')[0]))
    .filter(under); // a process gone meanwhile has no parent: not under
  expect(found, `processes under ${ancestor} matching ${command}`).toHaveLength(1);
  return found[0]!;
}

describe('verify killed with SIGKILL while its checks run', () => {
  it("stops each check's process group within seconds: a declared nix build (and its builder) and an operator check", async () => {
    const probe = tempDir('aos-probe-');
    chmodSync(probe, 0o777);
    const slow = join(probe, 'slow');
    writeFileSync(slow, '');
    const root = slowPackageGenome(probe);
    const proposal = readmeProposal(root, { expected_checks: [{ name: 'slow-build', command: 'nix', args: ['build', '.#slow'] }] }, `killed ${process.hrtime.bigint()}\n`);
    const pidFile = join(probe, 'operator.pid');
    const policy = join(tempDir('aos-policy-'), 'policy.json');
    writeFileSync(policy, JSON.stringify({ operator_checks: [{ name: 'hang', command: 'sh', args: ['-c', `sleep 300 & echo $! > ${pidFile}; wait`] }] }));
    const mem = memoryDir();
    // The checks' own timeouts (1800 s by default) died with verify: only the watchdogs end them this soon.
    const args = ['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem, '--policy', policy, '--jobs', '3'];
    const run = startRunner(args, { TMPDIR: tempDir('aos-tmp-'), NIX_CONFIG: nixConfigSeeing(probe) });
    let groups: number[] = [];
    try {
      const builder = await waitForBuilder(slow);
      await waitFor('the operator check to start', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '');
      // The check's `nix build`: the builder's parent when Nix builds in its own process (root);
      // with a nix-daemon (a normal user) the daemon starts the builder, so find it under verify.
      const nixBuild = checkProcess(run.pid, /^(\S*\/)?nix .* build .*#slow\s*$/);
      const sleeper = Number(readFileSync(pidFile, 'utf8'));
      groups = [pgidOf(nixBuild), pgidOf(sleeper)];
      // Each check's group is led by its watchdog, the check's parent (verify's child).
      expect(groups).toEqual([parentOf(nixBuild), parentOf(parentOf(sleeper)!)]);
      for (const g of groups) expect(parentOf(g)).toBe(run.pid);
      for (const g of groups) expect(liveGroupMembers(g).length).toBeGreaterThanOrEqual(2);

      process.kill(run.pid, 'SIGKILL');
      const end = await run.done;
      expect(end.signal).toBe('SIGKILL');
      const t0 = Date.now();
      expect(await waitUntil(() => groups.every((g) => liveGroupMembers(g).length === 0), 10_000)).toBe(true);
      expect(Date.now() - t0).toBeLessThan(5000);
      // Nix, stopped with SIGTERM, stopped its builder (which runs in a session of its own).
      expect(await waitUntil(() => !alive(builder), 10_000)).toBe(true);
      expect(existsSync(join(mem, 'mutation-results.jsonl'))).toBe(false);
    } finally {
      rmSync(slow, { force: true });
      run.stop();
      for (const g of groups) killGroup(g);
      killBuilder(slow);
    }
  }, 180_000);
});

describe('a check whose watchdog cannot start', () => {
  it('is not run: an error check, and verify is not verified (exit 1)', async () => {
    // The watchdog runs on this process's Node binary (process.execPath). A copy of it that is
    // gone once verify has started: the watchdog cannot be spawned (ENOENT). A copy, not a hard
    // link: a normal user may not link a file it does not own (fs.protected_hardlinks).
    const node = join(tempDir('aos-node-'), 'node');
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
    const root = fixtureGenome();
    const marker = join(tempDir('aos-marker-'), 'ran');
    const policy = join(tempDir('aos-policy-'), 'policy.json');
    writeFileSync(policy, JSON.stringify({ operator_checks: [{ name: 'mark', command: 'touch', args: [marker] }] }));
    const mem = memoryDir();
    const child = spawn(node, [BIN, 'verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', mem, '--policy', policy], { env: testEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise((r) => child.once('spawn', r));
    unlinkSync(node);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(code, stderr).toBe(1);
    const record = JSON.parse(stdout);
    expect(record.status).toBe('error');
    const checks = Object.fromEntries(record.checks.map((c: any) => [c.name, c]));
    for (const name of ['nix-flake-check', 'operator:mark']) {
      expect(checks[name], name).toMatchObject({ status: 'error', exit_code: null });
      expect(checks[name].reason).toContain(`spawn-failed: its watchdog (${node} `);
      expect(checks[name].reason).toContain('which stops it if this process dies, could not be started: ENOENT');
    }
    expect(existsSync(marker)).toBe(false);
    expect(ledger(join(mem, 'mutation-results.jsonl')).map((r) => r.status)).toEqual(['error']);
  }, 120_000);
});
