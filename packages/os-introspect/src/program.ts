import { Command } from 'commander';
import { HELP, runProgram } from '@autopoietic/core/cli-kit';
import { registerIntrospect } from './commands/introspect.js';
import { TOOL_VERSION } from './version.js';

/** Builds the os-introspect program: the one list of its commands. */
export function buildProgram(): Command {
  const program = new Command('os-introspect')
    .description('Observe the Autopoietic OS genome and running system into a self-state')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .configureHelp(HELP);
  registerIntrospect(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await runProgram(buildProgram(), argv);
}
