import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from './nix-env.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type CliName = 'mutation-journal' | 'mutation-runner' | 'os-introspect';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  /**
   * Run the bin as an executable, as users start it (its shell start-up, then the `node` on PATH,
   * put first: this one), not as `node <bin>`.
   */
  asExecutable?: boolean;
}

/** Runs a built CLI (`packages/<name>/bin/<name>.js`, compiled by `pnpm build`) as a real process. */
export function runCli(name: CliName, args: string[], opts: RunOptions = {}): CliResult {
  return runCliVia([], name, args, opts);
}

/**
 * Runs a built CLI behind a wrapper command that execs the rest of its arguments (`setpriv
 * --reuid=…`, `unshare … sh -c '…; "$@"'`, see tmpfs.ts): `prefix`, then `node <bin> args`.
 */
export function runCliVia(prefix: string[], name: CliName, args: string[], opts: RunOptions = {}): CliResult {
  const bin = join(REPO_ROOT, 'packages', name, 'bin', `${name}.js`);
  const [command, ...rest] = [...prefix, ...(opts.asExecutable ? [] : [process.execPath]), bin, ...args];
  const env = testEnv(opts.env);
  if (opts.asExecutable) env.PATH = `${dirname(process.execPath)}:${env.PATH ?? ''}`;
  const r = spawnSync(command!, rest, {
    cwd: opts.cwd ?? REPO_ROOT,
    env,
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    // A CLI stuck in a synchronous loop never runs its SIGTERM handler: only SIGKILL stops it.
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = r.stdout ?? '';
  // No exit status: killed by a signal, or never started (spawnSync's error). Said in stderr, so
  // that a test that fails on `code` shows why (a run under CI load once ended so, unexplained).
  const why = r.status === null ? `\n[runCli: no exit status: signal ${r.signal ?? 'none'}${r.error ? `, ${r.error.message}` : ''}]` : '';
  return {
    code: r.status ?? -1,
    stdout,
    stderr: (r.stderr ?? '') + why,
    json: () => JSON.parse(stdout),
  };
}
