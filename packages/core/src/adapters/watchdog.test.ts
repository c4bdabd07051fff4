import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { killGroup, liveGroupMembers, pgidOf, waitUntil } from '../../../../tests/support/process-group.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { runCommand, type RunCommandOptions } from './exec.js';
import { WATCHDOG_SCRIPT } from './watchdog.js';

const run = (command: string, args: string[], extra: Partial<RunCommandOptions> = {}) => runCommand({ command, args, cwd: '/', watchdog: true, keepStdout: true, ...extra });

describe('runCommand with a watchdog: the command behaves as when started directly', () => {
  it('gets stdin, writes stdout and stderr, and its exit status is its own', async () => {
    const r = await run('sh', ['-c', 'cat; echo err >&2; exit 3'], { input: 'hand-off\n' });
    expect([r.outcome, r.exitCode, r.signal, r.stdoutFull?.toString(), r.stderr]).toEqual(['exited', 3, null, 'hand-off\n', 'err\n']);
    const killed = await run('sh', ['-c', 'kill -USR1 $$']);
    expect([killed.outcome, killed.exitCode, killed.signal]).toEqual(['exited', null, 'SIGUSR1']);
  });

  it('inherits the descriptors and signal dispositions as they are without it, and no channel of the watchdog', async () => {
    // fdinfo's flags are octal; O_NONBLOCK is 04000. Descriptors 3 to 9 are listed if open. The
    // watchdog ignores SIGTERM and Node ignores SIGPIPE: the command must not inherit either
    // (SigIgn). The blocked mask (SigBlk) is not compared: a command started directly from a
    // test worker thread was once seen with most signals blocked, which is the spawning
    // thread's doing, not the watchdog's.
    const script = 'for f in 0 1 2; do grep flags /proc/$$/fdinfo/$f; done; for f in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$f ] && echo "open $f"; done; grep -E "^SigIgn" /proc/$$/status; exit 0';
    const watched = await run('sh', ['-c', script], { input: '' });
    const direct = await run('sh', ['-c', script], { input: '', watchdog: false });
    expect(watched.stdoutFull?.toString()).toBe(direct.stdoutFull?.toString());
    expect(watched.stdoutFull?.toString()).not.toContain('open');
    const flags = watched.stdout.trim().split('\n').filter((l) => l.startsWith('flags'));
    expect(flags.length).toBe(3);
    for (const line of flags) expect(Number.parseInt(line.split(/\s+/)[1]!, 8) & 0o4000).toBe(0);
    expect(watched.stdout).toMatch(/SigIgn:\s+0+\n/);
  });

  it('is killed with its whole group at the timeout, and SIGKILL follows when it ignores SIGTERM', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const r = await run('sh', ['-c', `sleep 60 & echo $! > ${pidFile}; wait`], { timeoutMs: 300, killGraceMs: 500 });
    expect([r.outcome, r.exitCode, r.signal]).toEqual(['timeout', null, 'SIGTERM']);
    const sleeper = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitUntil(() => !existsSync(`/proc/${sleeper}`) || /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${sleeper}/stat`, 'utf8')), 3000)).toBe(true);
    const stubborn = await run('sh', ['-c', "trap '' TERM; sleep 60 & wait; sleep 60"], { timeoutMs: 200, killGraceMs: 300 });
    expect([stubborn.outcome, stubborn.signal]).toEqual(['timeout', 'SIGKILL']);
  });

  it('reports a command that cannot be started (missing, bad cwd) as spawn-failed, as without it', async () => {
    const missing = await run('definitely-not-a-command-aos', []);
    expect([missing.outcome, missing.exitCode]).toEqual(['spawn-failed', null]);
    expect(missing.spawnError).toMatch(/^ENOENT: spawn definitely-not-a-command-aos ENOENT/);
    const badCwd = await run('true', [], { cwd: join(tempDir(), 'gone') });
    expect(badCwd.outcome).toBe('spawn-failed');
  });
});

describe('runCommand with a watchdog that cannot do its work (fail closed)', () => {
  it('does not start the command when the watchdog cannot be started, and says so', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    const r = await run('sh', ['-c', `touch ${marker}`], { watchdog: { node: join(dir, 'no-node') } });
    expect(r.outcome).toBe('spawn-failed');
    expect(r.spawnError).toBe(`its watchdog (${join(dir, 'no-node')} ${WATCHDOG_SCRIPT}), which stops it if this process dies, could not be started: ENOENT: spawn ${join(dir, 'no-node')} ENOENT`);
    expect(existsSync(marker)).toBe(false);
  });

  it('is a spawn failure, not an exit, when the watchdog ends without starting the command', async () => {
    const dir = tempDir();
    const marker = join(dir, 'ran');
    // `true` stands for a watchdog that runs and dies at once (a broken Node, a crash).
    const r = await run('sh', ['-c', `touch ${marker}`], { watchdog: { node: '/bin/true' } });
    expect([r.outcome, r.spawnError]).toEqual(['spawn-failed', `its watchdog (/bin/true ${WATCHDOG_SCRIPT}), which stops it if this process dies, exited with status 0 before starting it`]);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('runCommand with a watchdog, when the process that ran it is killed with SIGKILL', () => {
  /**
   * A real parent (Node running runCommand from these sources) starts `script` watched, says the
   * command's pid, and is killed with SIGKILL: no handler of its own runs, only the watchdog can
   * stop the command. Returns the command's process group and how long it took to be gone.
   */
  async function killParentOf(script: string, graceMs: number): Promise<{ pgid: number; goneAfterMs: number | undefined }> {
    const dir = tempDir();
    const ready = join(dir, 'ready');
    const parent = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        [
          `import { runCommand } from ${JSON.stringify(new URL('./exec.ts', import.meta.url).href)};`,
          `await runCommand({ command: 'sh', args: ['-c', ${JSON.stringify(`echo $$ > ${ready}.tmp; mv ${ready}.tmp ${ready}; ${script}`)}], cwd: '/', watchdog: true, killGraceMs: ${graceMs} });`,
        ].join('\n'),
      ],
      { stdio: 'ignore' },
    );
    const parentGone = new Promise<void>((r) => parent.once('exit', () => r()));
    try {
      expect(await waitUntil(() => existsSync(ready), 20_000)).toBe(true);
      const pgid = pgidOf(Number(readFileSync(ready, 'utf8')));
      expect(pgid).not.toBe(parent.pid); // it leads no group of the parent's
      parent.kill('SIGKILL');
      await parentGone;
      const t0 = Date.now();
      const gone = await waitUntil(() => liveGroupMembers(pgid).length === 0, 5000);
      const goneAfterMs = gone ? Date.now() - t0 : undefined;
      killGroup(pgid);
      return { pgid, goneAfterMs };
    } finally {
      parent.kill('SIGKILL');
    }
  }

  it('kills the whole group (the command and what it started) within a moment', async () => {
    const { goneAfterMs } = await killParentOf('sleep 60 & sleep 60 & wait', 1000);
    expect(goneAfterMs).toBeDefined();
    expect(goneAfterMs!).toBeLessThan(2000);
  });

  it('kills a group that ignores SIGTERM after the grace', async () => {
    const { goneAfterMs } = await killParentOf("trap '' TERM; sleep 60 & wait; sleep 60", 500);
    expect(goneAfterMs).toBeDefined();
    expect(goneAfterMs!).toBeLessThan(3000);
  });
});
