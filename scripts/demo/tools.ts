import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scratch } from './scratch.js';
import { StepFailure, type CommandRecord } from './types.js';

export type CliName = 'os-introspect' | 'mutation-journal' | 'mutation-runner';

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a built CLI as its own process, the way a user would: `node packages/<cli>/bin/<cli>.js`.
 * Every call gets `--memory-dir` (unless `memory: false`: a read-only command that takes no
 * ledgers), and `--etc-dir` where the command reads the host policy or identity (`policy: true`). The environment names the same scratch dirs too, so that no command
 * can reach the repository's memory/ or the machine's /etc/autopoietic, even one without the flag.
 */
export class Tools {
  readonly log: CommandRecord[] = [];

  constructor(
    private readonly repoRoot: string,
    private readonly scratch: Scratch,
    private readonly onCommand: (c: CommandRecord) => void = () => {},
  ) {}

  run(cli: CliName, args: string[], opts: { memory?: boolean; policy?: boolean; etcDir?: string; stdoutTo?: string } = {}): ToolRun {
    const bin = join(this.repoRoot, 'packages', cli, 'bin', `${cli}.js`);
    const dist = join(this.repoRoot, 'packages', cli, 'dist', 'bin.js');
    if (!existsSync(bin) || !existsSync(dist)) {
      throw new StepFailure(`${cli} is not built (${dist} is missing)`, 'Run `pnpm build` (or `pnpm demo`, which builds first).');
    }
    const etcDir = opts.etcDir ?? this.scratch.etc;
    const argv = [
      ...args,
      ...(opts.memory === false ? [] : ['--memory-dir', this.scratch.memory]),
      ...(opts.policy ? ['--etc-dir', etcDir] : []),
    ];
    const started = Date.now();
    const r = spawnSync(process.execPath, [bin, ...argv], {
      cwd: this.scratch.dir,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      timeout: 15 * 60_000,
      env: {
        ...process.env,
        AUTOPOIETIC_MEMORY_DIR: this.scratch.memory,
        AUTOPOIETIC_ETC_DIR: etcDir,
        AUTOPOIETIC_LOG_LEVEL: process.env.AUTOPOIETIC_LOG_LEVEL ?? 'warn',
      },
    });
    const record = { argv: [cli, ...argv], exit: r.status ?? -1, ms: Date.now() - started };
    this.log.push(record);
    this.onCommand(record);
    if (r.error) throw new StepFailure(`${cli} ${args[0] ?? ''} could not run: ${r.error.message}`);
    if (opts.stdoutTo) writeFileSync(opts.stdoutTo, r.stdout);
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }
}

/**
 * What a failed command said, for a failure reason: its `error...`/`hint:` lines when it printed
 * some (commander prints the help after them), otherwise the last lines of its stderr.
 */
export function stderrTail(run: ToolRun, lines = 6): string {
  const all = run.stderr.trim().split('\n');
  const errors = all.filter((l) => /^(error|hint:)/.test(l));
  const text = (errors.length ? errors : all).slice(-lines).join('\n').trim();
  return text ? `\n${text.replace(/^/gm, '         ')}` : '';
}

/** Parses a command's JSON stdout; a command that printed none is a failed step with its stderr. */
export function jsonOut<T = unknown>(run: ToolRun, what: string): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    const unknown = /unknown (command|option)/.test(run.stderr);
    throw new StepFailure(
      `${what} exited ${run.code} without a JSON result${stderrTail(run)}`,
      unknown ? 'This CLI does not have that command or flag yet: rebuild from an up-to-date checkout (`pnpm build`).' : undefined,
    );
  }
}

/** Fails the step unless the command exited with one of the expected codes. */
export function expectExit(run: ToolRun, what: string, codes: number[]): void {
  if (!codes.includes(run.code)) {
    throw new StepFailure(`${what} exited ${run.code} (expected ${codes.join(' or ')})${stderrTail(run)}`);
  }
}
