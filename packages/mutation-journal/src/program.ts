import { Command } from 'commander';
import { runProgram } from '@autopoietic/core/cli-kit';
import { registerOrgan } from './commands/organ.js';

/** Builds the mutation-journal program: the one list of its commands. */
export function buildProgram(): Command {
  const program = new Command('mutation-journal')
    .description('Append Autopoietic OS journal entries')
    .version('0.1.0')
    .showHelpAfterError();
  registerOrgan(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await runProgram(buildProgram(), argv);
}
