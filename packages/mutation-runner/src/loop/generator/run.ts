import { statSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runCommand, type CommandResult } from '@autopoietic/core/adapters';
import { usageError } from '@autopoietic/core/cli-kit';
import type { GeneratorRun } from '@autopoietic/core/schemas';
import type { Sandbox } from './sandbox.js';

/**
 * Runs the generator once: the hand-off on stdin, the sandbox as working directory, a cleaned
 * environment (core's cleanEnv: PATH, HOME, locale, Nix settings; nothing else unless named with
 * --generator-env) plus the documented AUTOPOIETIC_* variables, a timeout that kills its whole
 * process group, and a cap on its output: the log files are watched, and a generator that
 * writes more than `maxOutputBytes` (stdout and stderr together) is killed. It runs under core's
 * watchdog, which kills its process group when evolve dies, however evolve dies (SIGKILL, the OOM
 * killer): a generator may be an LLM client that costs money while it runs, or a runaway loop.
 */
export interface GeneratorLimits {
  timeoutMs: number;
  maxOutputBytes: number;
}

export interface GeneratorCall {
  argv: string[];
  sandbox: Sandbox;
  handoffText: string;
  env: Record<string, string>;
  /** Names of variables of this process passed through as they are (API keys, ...). */
  passEnv: string[];
  limits: GeneratorLimits;
  logDir: string;
}

export interface GeneratorResult {
  result: CommandResult;
  run: GeneratorRun;
  stdout: Buffer;
}

const WATCH_MS = 20;

/**
 * `--generator-env` takes names. A value where a name belongs (`KEY=sk-...`, the usual slip)
 * passed nothing, silently; it is refused without echoing the value, which may be a secret.
 */
export function checkPassEnv(names: readonly string[]): void {
  for (const name of names) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
    const shown = name.includes('=') ? `${name.slice(0, name.indexOf('='))}=<value not shown>` : name;
    throw usageError('generator-env-invalid', `--generator-env ${JSON.stringify(shown)} is not an environment variable name`,
      'Name the variable only (--generator-env OPENAI_API_KEY) and set it in the environment evolve runs in.');
  }
}

export async function runGenerator(call: GeneratorCall): Promise<GeneratorResult> {
  const passed: Record<string, string> = {};
  for (const name of call.passEnv) if (process.env[name] !== undefined) passed[name] = process.env[name]!;
  const env = cleanEnv(process.env, { ...passed, ...call.env });
  const abort = new AbortController();
  let tooLarge = false;
  const logs = [join(call.logDir, 'generator.stdout.log'), join(call.logDir, 'generator.stderr.log')];
  const watch = setInterval(() => {
    let total = 0;
    for (const l of logs) {
      try {
        total += statSync(l).size;
      } catch {
        /* not created yet */
      }
    }
    if (total > call.limits.maxOutputBytes && !tooLarge) {
      tooLarge = true;
      abort.abort();
    }
  }, WATCH_MS);
  let result: CommandResult;
  try {
    result = await runCommand({
      command: call.argv[0]!,
      args: call.argv.slice(1),
      cwd: call.sandbox.dir,
      env,
      input: call.handoffText,
      timeoutMs: call.limits.timeoutMs,
      killGraceMs: 1000,
      logDir: call.logDir,
      logName: 'generator',
      keepStdout: true,
      signal: abort.signal,
      watchdog: true,
    });
  } finally {
    clearInterval(watch);
  }
  if (result.stdoutBytes + result.stderrBytes > call.limits.maxOutputBytes) tooLarge = true;
  const run: GeneratorRun = {
    outcome: tooLarge ? 'output-too-large' : result.outcome,
    exit_code: result.exitCode,
    signal: result.signal,
    stdout_bytes: result.stdoutBytes,
    stderr_bytes: result.stderrBytes,
    ...(result.stdoutLog ? { stdout_log: result.stdoutLog } : {}),
    ...(result.stderrLog ? { stderr_log: result.stderrLog } : {}),
  };
  return { result, run, stdout: result.stdoutFull ?? Buffer.alloc(0) };
}
