import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../tests/support/cli.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { boundTail, cleanEnv, runCommand } from './exec.js';
import { processesWithToken, RUN_TOKEN_VARIABLE } from './escapees.js';
import { StreamSink } from './exec-output.js';

/** True while `pid` is a live (non-zombie) process. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

async function waitGone(pids: number[], ms = 3000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (pids.every((p) => !alive(p))) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe('runCommand', () => {
  it('runs a command, logs both streams with digest and size, and keeps the exit code', async () => {
    const dir = tempDir();
    const r = await runCommand({ command: 'sh', args: ['-c', 'printf out; printf err >&2; exit 3'], cwd: dir, logDir: join(dir, 'logs'), logName: 'c' });
    expect(r.outcome).toBe('exited');
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toBe('out');
    expect(r.stderr).toBe('err');
    const log = readFileSync(r.stdoutLog!.path);
    expect(log.toString()).toBe('out');
    expect(r.stdoutLog!.sha256).toBe(`sha256:${createHash('sha256').update(log).digest('hex')}`);
    expect(r.stderrLog!.bytes).toBe(3);
  });

  it('keeps only a bounded tail in memory while the log holds everything', async () => {
    const dir = tempDir();
    // 100,000 lines of "line N": about 690 KB.
    const r = await runCommand({ command: 'sh', args: ['-c', 'i=0; while [ $i -lt 100000 ]; do echo "line $i"; i=$((i+1)); done'], cwd: dir, logDir: dir, logName: 'big', tailBytes: 1024 });
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(1024);
    expect(r.stdout.endsWith('line 99999\n')).toBe(true);
    expect(r.stdoutBytes).toBe(readFileSync(r.stdoutLog!.path).length);
    expect(r.stdoutBytes).toBeGreaterThan(600_000);
  });

  it('on timeout kills the whole process group, grandchildren included', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pids');
    const script = `sleep 60 & echo $! >> ${pidFile}; (sleep 60 & echo $! >> ${pidFile}; wait) & echo $$ >> ${pidFile}; wait`;
    const t0 = Date.now();
    const r = await runCommand({ command: 'sh', args: ['-c', script], cwd: dir, timeoutMs: 400, killGraceMs: 500 });
    expect(r.outcome).toBe('timeout');
    expect(r.exitCode).toBeNull();
    expect(Date.now() - t0).toBeLessThan(5000);
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids.length).toBe(3);
    expect(await waitGone(pids)).toBe(true);
  });

  it('treats a timeout beyond what setTimeout holds as no timeout (Node would fire it after 1 ms)', async () => {
    const dir = tempDir();
    const r = await runCommand({ command: 'sh', args: ['-c', 'sleep 0.3; exit 4'], cwd: dir, timeoutMs: 1e12 });
    expect([r.outcome, r.exitCode]).toEqual(['exited', 4]);
  });

  it('returns after the grace when a process that left the group (setsid) still holds the output', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const t0 = Date.now();
    // The command waits until its child has left the group (it writes its pid once it has).
    const script = `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 30' & while [ ! -s ${pidFile} ]; do sleep 0.01; done; echo out`;
    const r = await runCommand({ command: 'sh', args: ['-c', script], cwd: dir, killGraceMs: 300 });
    const escaped = Number(readFileSync(pidFile, 'utf8'));
    process.kill(escaped, 'SIGKILL');
    expect([r.outcome, r.exitCode, r.stdout]).toEqual(['exited', 0, 'out\n']);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('with reap, kills what the command left running outside its group (setsid, double fork), and names it', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pids');
    // Two escapees: one in a new session, one orphaned by a double fork and then setsid'd, output closed.
    const script = [
      `setsid sh -c 'echo $$ >> ${pidFile}; exec sleep 60' < /dev/null > /dev/null 2>&1 &`,
      `sh -c "setsid sh -c 'echo \\$\\$ >> ${pidFile}; exec sleep 60' < /dev/null > /dev/null 2>&1 &" &`,
      `while [ "$(wc -l < ${pidFile} 2>/dev/null || echo 0)" -lt 2 ]; do sleep 0.01; done`,
    ].join('\n');
    const r = await runCommand({ command: 'sh', args: ['-c', script], cwd: dir, reap: true });
    expect([r.outcome, r.exitCode]).toEqual(['exited', 0]);
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(await waitGone(pids)).toBe(true);
    expect([...(r.reaped ?? [])].sort()).toEqual([...pids].sort());
  });

  it('with reap, leaves alone a process of the same user that carries another run token', async () => {
    const dir = tempDir();
    const bystander = spawn('sleep', ['60'], { env: { ...process.env, [RUN_TOKEN_VARIABLE]: 'someone-else' }, stdio: 'ignore', detached: true });
    try {
      const r = await runCommand({ command: 'true', cwd: dir, reap: true });
      expect(r.reaped).toBeUndefined();
      expect(processesWithToken('someone-else')).toEqual([bystander.pid]);
    } finally {
      bystander.kill('SIGKILL');
    }
  });

  it('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    const dir = tempDir();
    const r = await runCommand({ command: 'sh', args: ['-c', "trap '' TERM; sleep 60 & wait; sleep 60"], cwd: dir, timeoutMs: 200, killGraceMs: 300 });
    expect(r.outcome).toBe('timeout');
    expect(r.signal).toBe('SIGKILL');
  });

  it('kills stragglers the command left running when it exits', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'pid');
    const r = await runCommand({ command: 'sh', args: ['-c', `sleep 60 > /dev/null 2>&1 & echo $! > ${pidFile}; exit 0`], cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(await waitGone([Number(readFileSync(pidFile, 'utf8'))])).toBe(true);
  });

  it('reports a command that cannot be started as spawn-failed, not as an exception', async () => {
    const dir = tempDir();
    const r = await runCommand({ command: 'definitely-not-a-command-aos', cwd: dir, logDir: join(dir, 'l'), logName: 'x' });
    expect(r.outcome).toBe('spawn-failed');
    expect(r.exitCode).toBeNull();
    expect(r.spawnError).toMatch(/ENOENT/);
    expect(r.stdoutLog?.bytes).toBe(0);
  });

  it('reports a command it has no file descriptors left to start (EMFILE) as spawn-failed, not as a TypeError', () => {
    // Node returns such a child without its streams and emits the error a tick later; reading
    // the streams regardless ended an os-introspect run (`ulimit -n 24`) as error[internal]. In a
    // process of its own: the descriptors it uses up would be this whole test run's.
    const script = [
      "import { openSync, closeSync } from 'node:fs';",
      "import { runCommand } from './packages/core/src/adapters/exec.ts';",
      'const held = [];',
      "try { for (;;) held.push(openSync('/dev/null', 'r')); } catch {}",
      'closeSync(held.pop());',
      "for (const watchdog of [false, true]) { const r = await runCommand({ command: 'true', watchdog }); console.log(JSON.stringify([r.outcome, r.exitCode, r.spawnError])); }",
    ].join('\n');
    const r = spawnSync('sh', ['-c', 'ulimit -n 128 && exec "$@"', 'sh', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    expect(r.status, r.stderr).toBe(0);
    const [plain, watched] = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as [string, number | null, string]);
    expect(plain).toEqual(['spawn-failed', null, 'EMFILE: spawn true EMFILE']);
    expect(watched?.[0]).toBe('spawn-failed');
    expect(watched?.[2]).toMatch(/its watchdog .* could not be started: EMFILE/);
  });

  it('cancels through an AbortSignal', async () => {
    const dir = tempDir();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runCommand({ command: 'sleep', args: ['30'], cwd: dir, signal: ac.signal });
    expect(r.outcome).toBe('cancelled');
  });

  it('refuses to overwrite an existing log file (the command is not run; see below)', async () => {
    const dir = tempDir();
    await runCommand({ command: 'sh', args: ['-c', 'echo first'], cwd: dir, logDir: dir, logName: 'same' });
    const again = await runCommand({ command: 'sh', args: ['-c', 'echo second'], cwd: dir, logDir: dir, logName: 'same' });
    expect(again).toMatchObject({ outcome: 'cancelled', logErrorCode: 'EEXIST', stdout: '' });
    expect(readFileSync(join(dir, 'same.stdout.log'), 'utf8')).toBe('first\n');
  });

  it('streams stdin from an async iterable while the child runs', async () => {
    async function* lines() {
      yield 'one\n';
      await new Promise((r) => setTimeout(r, 20));
      yield Buffer.from('two\n');
    }
    const r = await runCommand({ command: 'cat', cwd: '/', input: lines(), keepStdout: true, timeoutMs: 10_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdoutFull?.toString()).toBe('one\ntwo\n');
  });

  it('rewrites stderr lines through a transform before logging', async () => {
    const dir = tempDir();
    const r = await runCommand({
      command: 'sh',
      args: ['-c', 'echo keep >&2; echo drop >&2; printf last >&2'],
      cwd: dir,
      stderrLine: (l) => (l === 'drop' ? null : l.toUpperCase()),
    });
    expect(r.stderr).toBe('KEEP\nLAST');
  });
});

describe('cleanEnv', () => {
  it('keeps PATH, HOME and NIX_* and drops everything else', () => {
    const env = cleanEnv({ PATH: '/bin', HOME: '/h', NIX_CONFIG: 'x', GITHUB_TOKEN: 'secret', GIT_DIR: '/live/.git', SSH_AUTH_SOCK: '/s' }, { EXTRA: '1' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', NIX_CONFIG: 'x', EXTRA: '1' });
  });
});

describe('boundTail', () => {
  it('cuts on a UTF-8 boundary', () => {
    const s = `${'a'.repeat(10)}é${'b'.repeat(3)}`;
    expect(boundTail(s, 4)).toBe('bbb');
    expect(boundTail(s, 5)).toBe('ébbb');
  });
});

describe('onInterrupt', () => {
  /**
   * A process whose clean-up takes a while (as removing a candidate does) gets SIGTERM twice, as
   * from GNU timeout, which signals the child and then its whole group.
   */
  it('finishes its clean-up when the signal comes twice, then dies of the signal', async () => {
    const dir = tempDir();
    const marker = join(dir, 'cleaned');
    const ready = join(dir, 'ready');
    const script = [
      `import { writeFileSync } from 'node:fs';`,
      `import { onInterrupt } from ${JSON.stringify(new URL('./exec.ts', import.meta.url).href)};`,
      `onInterrupt(() => { const until = Date.now() + 400; while (Date.now() < until); writeFileSync(${JSON.stringify(marker)}, 'done'); });`,
      `writeFileSync(${JSON.stringify(ready)}, '');`,
      `setTimeout(() => {}, 30000);`,
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: 'ignore' });
    const until = Date.now() + 20_000;
    while (!existsSync(ready) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100)); // the clean-up is running
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(readFileSync(marker, 'utf8')).toBe('done');
  });
});

describe('StreamSink', () => {
  it('keeps a prefix of stdout: once a chunk does not fit, later smaller ones are not kept either', () => {
    const sink = new StreamSink({ keepStdout: true }, 'stdout');
    const mib = (n: number, fill: number) => Buffer.alloc(n * 1024 * 1024, fill);
    sink.write(mib(60, 1));
    sink.write(mib(10, 2)); // would pass the 64 MiB bound
    sink.write(mib(1, 3)); // would fit, but would leave a hole
    const res = sink.close();
    expect(res.bytes).toBe(71 * 1024 * 1024);
    expect(res.full?.length).toBe(60 * 1024 * 1024);
    expect(res.full?.includes(3)).toBe(false);
  });
});

describe('runCommand whose logs cannot be created', () => {
  it('does not start the command and reports the log error once, with its errno', async () => {
    const dir = tempDir();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const marker = join(dir, 'ran');
    const r = await runCommand({ command: 'sh', args: ['-c', `touch '${marker}'`], cwd: dir, logDir: join(file, 'logs'), logName: '01-check' });
    expect(r.outcome).toBe('cancelled');
    expect(existsSync(marker)).toBe(false);
    expect(r.logError).toMatch(/01-check\.stdout\.log: .*ENOTDIR/);
    expect(r.logError).not.toContain('stderr.log'); // the same cause, said once
    expect(r.logErrorCode).toBe('ENOTDIR');
  });

  it("never removes a file it did not create: a log name that is taken is someone else's", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, '01-check.stderr.log'), 'kept\n');
    const marker = join(dir, 'ran');
    const r = await runCommand({ command: 'sh', args: ['-c', `touch '${marker}'`], cwd: dir, logDir: dir, logName: '01-check' });
    expect(r.outcome).toBe('cancelled');
    expect(r.logErrorCode).toBe('EEXIST');
    expect(existsSync(marker)).toBe(false);
    expect(readFileSync(join(dir, '01-check.stderr.log'), 'utf8')).toBe('kept\n');
    expect(existsSync(join(dir, '01-check.stdout.log'))).toBe(false); // the one it created is removed
  });
});
