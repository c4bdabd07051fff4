import { CommanderError, type Command } from 'commander';
import { refuseBlankPlaces } from './blank-places.js';
import { AosError, describeError, type ExitCode } from './errors.js';
import { refuseRepeatedFlags } from './repeated-flags.js';
import { printErr } from './output.js';
import { terminalLine } from './terminal-text.js';
import { refuseMissingWorkingDir } from './working-dir.js';
import { lockTimeoutFromEnv } from './lock-timeout.js';
import { verifyParallelMinBytesFromEnv, verifyThreadsFromEnv } from './verify-env.js';

/**
 * Renders an error as `error[CODE]: message` plus a `hint:` line, and returns its exit code.
 * Unknown errors are internal errors (exit 1); their stack is only shown with AUTOPOIETIC_DEBUG=1.
 */
export function renderError(e: unknown): ExitCode {
  if (e instanceof AosError) {
    printErr(errorText(`error[${e.code}]: `, e.message));
    if (e.hint) printErr(errorText('hint: ', e.hint));
    return e.exit;
  }
  printErr(errorText('error[internal]: ', describeError(e)));
  if (process.env.AUTOPOIETIC_DEBUG && e instanceof Error && e.stack) printErr(e.stack);
  return 1;
}

/**
 * `label` and `text`, with every line after the first indented: a message may list problems on
 * lines of their own (install-apply's conflicts), but a line feed inside a path or a tool's text
 * it quotes (`--root $'x\nerror[ok]: …'`) must not start a line that reads as the tool's own
 * `error[…]:` or `hint:`. Only those two ever start at the margin.
 */
export function errorText(label: string, text: string): string {
  return label + text.replace(/\r?\n(?![ \t])/g, '\n  ');
}

/**
 * A gate outcome: the record has been printed; the command exits 1 with a short stderr line,
 * and a `hint:` line (rendered as an AosError's) when the next step is not obvious. The summary
 * is kept to its one line (terminalLine) where it is printed: it often quotes a generator's or a
 * proposal's text, whose line feed could otherwise print a forged `error[…]`/`hint:` line.
 * Throw this from an action after printing a non-passing record.
 */
export class GateFailed extends Error {
  constructor(
    readonly summary: string,
    readonly hint?: string,
  ) {
    super(summary);
    this.name = 'GateFailed';
  }
}

/** Wraps a command action so that errors become exit codes and nothing escapes as a crash. */
export function runAction<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      if (e instanceof GateFailed) {
        printErr(terminalLine(e.summary));
        if (e.hint) printErr(`hint: ${e.hint}`);
        process.exitCode = 1;
        return;
      }
      process.exitCode = renderError(e);
    }
  };
}

/**
 * Runs a commander program with the project's exit-code contract:
 * help and version exit 0, other parse errors exit 2, AosError exits with its own code.
 */
export async function runProgram(program: Command, argv: string[] = process.argv): Promise<void> {
  program.exitOverride();
  applyExitOverride(program);
  program.hook('preAction', (_program, action) => {
    refuseMissingWorkingDir();
    // Settings from the environment are refused here, not where they are first used (a gate's
    // first append comes after its work).
    lockTimeoutFromEnv();
    verifyThreadsFromEnv();
    verifyParallelMinBytesFromEnv();
    refuseBlankPlaces(action);
  });
  refuseRepeatedFlags(program);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // 'commander.help' is also how commander ends a command group run without its subcommand
      // (`mutation-journal organ`, usually `organ "$SUB"` with SUB unset): the help on stderr and
      // exit code 1, which is a usage error here; `help` itself ends with exit code 0.
      const ok = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code === 'commander.help' && e.exitCode === 0);
      process.exitCode = ok ? 0 : e.exitCode === 0 ? 0 : 2;
      return;
    }
    process.exitCode = renderError(e);
  }
}

function applyExitOverride(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) applyExitOverride(sub);
}
