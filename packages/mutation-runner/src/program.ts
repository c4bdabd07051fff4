import { Command } from 'commander';
import { guardWrittenDirectories, HELP, runProgram } from '@autopoietic/core/cli-kit';
import { WRITTEN_DIRECTORIES } from './commands/directory-flags.js';
import { registerEvolve } from './commands/evolve.js';
import { registerHandoff } from './commands/handoff.js';
import { registerInstallApply } from './commands/install-apply.js';
import { registerInstallPlan } from './commands/install-plan.js';
import { registerInstallRevert } from './commands/install-revert.js';
import { registerInstallVerify } from './commands/install-verify.js';
import { registerPromote } from './commands/promote.js';
import { registerPropose } from './commands/propose.js';
import { registerVerify } from './commands/verify.js';

/** Builds the mutation-runner program: the one list of its commands. */
export function buildProgram(): Command {
  const program = new Command('mutation-runner')
    .description('Verify Autopoietic OS mutation proposals without live mutation')
    .version('0.1.0')
    .showHelpAfterError()
    .configureHelp(HELP);
  registerPropose(program);
  registerHandoff(program);
  registerVerify(program);
  registerPromote(program);
  registerEvolve(program);
  registerInstallPlan(program);
  registerInstallApply(program);
  registerInstallVerify(program);
  registerInstallRevert(program);
  guardWrittenDirectories(program, WRITTEN_DIRECTORIES);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await runProgram(buildProgram(), argv);
}
