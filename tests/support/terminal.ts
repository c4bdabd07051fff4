import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '@autopoietic/core/cli-kit';
import { REPO_ROOT, type CliName } from './cli.js';
import { testEnv } from './nix-env.js';

/**
 * Runs a built CLI with its stderr on a real pseudo-terminal (util-linux `script`), so that what
 * a person would see is what the test reads: the tools draw progress and pretty logs only when
 * stderr is a terminal. stdout goes to a file (JSON output is JSON, read by programs), unless
 * `stdoutOnTerminal` puts it on the terminal too, for the commands that print text for people.
 * Returns what the terminal showed (the terminal turns each "\n" into "\r\n"), stdout when it
 * went to the file, and the CLI's exit code.
 */
export function runInTerminal(
  name: CliName,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; stdoutOnTerminal?: boolean } = {},
): { code: number; screen: string; stdout: string } {
  const bin = join(REPO_ROOT, 'packages', name, 'bin', `${name}.js`);
  const dir = mkdtempSync(join(tmpdir(), 'aos-terminal-'));
  const out = join(dir, 'stdout');
  const command = `exec ${[process.execPath, bin, ...args].map(shellQuote).join(' ')}${opts.stdoutOnTerminal ? '' : ` >${shellQuote(out)}`}`;
  const r = spawnSync('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...testEnv(opts.env), TERM: 'xterm-256color' },
    input: '',
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = opts.stdoutOnTerminal ? '' : readFileSync(out, 'utf8');
  rmSync(dir, { recursive: true, force: true });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, screen: r.stdout ?? '', stdout };
}

/**
 * What a terminal would act on rather than show, in a screen capture: an escape sequence other
 * than SGR colours (ESC [ ... m, which the pretty logger uses), a carriage return that does not
 * end a line, and a bidi control. Each is returned with its position, for the failure message.
 */
export function terminalHazards(screen: string): string[] {
  const found: string[] = [];
  const re = /\u001b(?!\[[0-9;]*m)|\r(?!\n)|[\u0080-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  for (const m of screen.matchAll(re)) found.push(`${JSON.stringify(m[0])} at ${m.index}: ${JSON.stringify(screen.slice(Math.max(0, m.index - 30), m.index + 30))}`);
  return found;
}
