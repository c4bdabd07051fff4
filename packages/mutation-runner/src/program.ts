import { Command } from 'commander';
import { runProgram } from '@autopoietic/core/cli-kit';

/** Builds the mutation-runner program: the one list of its commands. */
export function buildProgram(): Command {
  const program = new Command('mutation-runner')
    .description('Verify Autopoietic OS mutation proposals without live mutation')
    .version('0.1.0')
    .showHelpAfterError();
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await runProgram(buildProgram(), argv);
}
