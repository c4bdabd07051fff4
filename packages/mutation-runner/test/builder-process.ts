// Finding and driving a Nix builder from the test, the same way with or without Nix's sandbox.
// In a sandbox (the default of current Nix) a builder is PID 1 of its own PID namespace: `$$` is
// 1, signals it sends itself are ignored, and it sees none of the host's files. The host still
// sees it in /proc, under its own pid and with its command line, so the test finds it there.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { TEST_NIX_CONFIG, testEnv } from '../../../tests/support/nix-env.js';
import { parentOf } from '../../../tests/support/process-group.js';

const BIN = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');

export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Processes whose command line mentions `text`, as `<pid> <command line>`. */
export function processesMentioning(text: string): string[] {
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

/**
 * The host pid of the `/bin/sh -c <script>` builder whose script mentions `token`, if running
 * (Nix starts a builder with the base name of its path as argv[0]: `sh -c <script>`). Between
 * fork and exec, a child the builder starts (its /bin/sleep) has the same command line: the
 * builder is the one whose parent is not such a process.
 */
export function builderPid(token: string): number | undefined {
  const shells = processesMentioning(token)
    .filter((p) => /^\d+ (\S*\/)?sh -c /.test(p))
    .map((p) => Number(p.split(' ')[0]));
  return shells.find((pid) => !shells.includes(parentOf(pid) ?? -1));
}

/** Waits for the builder `token` names (builderPid) and returns its host pid. */
export async function waitForBuilder(token: string, ms = 60_000): Promise<number> {
  let pid: number | undefined;
  await waitFor(
    'the builder to start',
    () => {
      pid = builderPid(token);
      return pid !== undefined;
    },
    ms,
  );
  return pid!;
}

/** SIGKILL to the builder `token` names, if it still runs (for `finally`: Nix killed with SIGKILL leaves it). */
export function killBuilder(token: string): void {
  const pid = builderPid(token);
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone meanwhile */
  }
}

export async function waitFor(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The test's Nix configuration, plus host paths a sandboxed builder may see (ignored unsandboxed). */
export function nixConfigSeeing(...paths: string[]): string {
  return `${TEST_NIX_CONFIG}\nextra-sandbox-paths = ${paths.join(' ')}`;
}

export interface RunningRunner {
  pid: number;
  /** Resolves when it exits: its exit code or signal, and everything it printed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** SIGKILL to its process group unless it has exited (for `finally`). */
  stop: () => void;
}

/**
 * Starts mutation-runner (built) in a process group of its own, as a shell's foreground job;
 * `onStderr` sees everything printed on stderr so far, each time more arrives.
 */
export function startRunner(args: string[], env: Record<string, string> = {}, onStderr?: (sofar: string) => void): RunningRunner {
  const child = spawn(process.execPath, [BIN, ...args], { env: testEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    onStderr?.(stderr);
  });
  const done = new Promise<Awaited<RunningRunner['done']>>((r) => child.on('close', (code, signal) => r({ code, signal, stdout, stderr })));
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  };
  return { pid: child.pid!, done, stop };
}
