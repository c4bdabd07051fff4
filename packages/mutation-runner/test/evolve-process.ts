// Helpers for the tests that run evolve as a real process and kill it while its generator runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { HOST_GOAL, scriptGenerator } from './evolve-support.js';
import { memoryDir } from './support.js';

const BIN = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');

/** What a hanging generator says about itself once it runs. */
export interface Hanging {
  pid: number;
  /** Its process group (its watchdog's, which leads it). */
  pgid: number;
  /** A process it started, in the same group. */
  child: number;
  /** Where it runs: its sandbox. */
  cwd: string;
}

/**
 * A generator that starts a child (`sleep`), writes a `Hanging` to the file named by its first
 * argument, then hangs; with `ignoreTerm`, it survives SIGTERM.
 */
export function hangGenerator(opts: { ignoreTerm?: boolean } = {}): string {
  return scriptGenerator(
    'hang-and-tell',
    `import { spawn } from 'node:child_process';
    import { readFileSync, renameSync, writeFileSync } from 'node:fs';
    ${opts.ignoreTerm ? "process.on('SIGTERM', () => {});" : ''}
    const child = spawn('sleep', ['300'], { stdio: 'ignore' });
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    writeFileSync(process.argv[2] + '.tmp', JSON.stringify({ pid: process.pid, pgid, child: child.pid, cwd: process.cwd() }));
    renameSync(process.argv[2] + '.tmp', process.argv[2]);
    setInterval(() => {}, 1000);`,
  );
}

/** evolve (one attempt, the default generator timeout of 300 s) with `generator`, which is told `ready`. */
export function startEvolve(root: string, tmp: string, ready: string, generator = hangGenerator()): ChildProcess {
  const args = [BIN, 'evolve', '--root', root, '--memory-dir', memoryDir(), '--goal', HOST_GOAL, '--generator', `${generator} ${ready}`, '--attempts', '1'];
  return spawn(process.execPath, args, { cwd: REPO_ROOT, env: testEnv({ TMPDIR: tmp }), stdio: 'ignore' });
}

export async function waitForGenerator(ready: string, run: ChildProcess): Promise<Hanging> {
  for (let t = Date.now(); Date.now() - t < 90_000; ) {
    if (existsSync(ready)) return JSON.parse(readFileSync(ready, 'utf8'));
    if (run.exitCode !== null || run.signalCode !== null) throw new Error(`evolve ended (${run.exitCode ?? run.signalCode}) before its generator started`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the generator did not start within 90 s');
}

export function exited(run: ChildProcess): Promise<void> {
  if (run.exitCode !== null || run.signalCode !== null) return Promise.resolve();
  return new Promise((r) => run.once('exit', () => r()));
}
