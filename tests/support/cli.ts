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

/** Runs a built CLI (`packages/<name>/bin/<name>.js`, compiled by `pnpm build`) as a real process. */
export function runCli(
  name: CliName,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number } = {},
): CliResult {
  const bin = join(REPO_ROOT, 'packages', name, 'bin', `${name}.js`);
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: testEnv(opts.env),
    input: opts.input ?? '',
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 120_000,
    // A CLI stuck in a synchronous loop never runs its SIGTERM handler: only SIGKILL stops it.
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = r.stdout ?? '';
  return {
    code: r.status ?? -1,
    stdout,
    stderr: r.stderr ?? '',
    json: () => JSON.parse(stdout),
  };
}
