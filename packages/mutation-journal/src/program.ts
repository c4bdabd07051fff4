import { Command } from 'commander';
import { HELP, runProgram } from '@autopoietic/core/cli-kit';
import { registerAppend } from './commands/append.js';
import { registerEffect } from './commands/effect.js';
import { registerEvidence } from './commands/evidence.js';
import { registerGeneration } from './commands/generation.js';
import { registerLedger } from './commands/ledger.js';
import { registerLineage } from './commands/lineage.js';
import { registerList } from './commands/list.js';
import { registerOrgan } from './commands/organ.js';

/** Builds the mutation-journal program: the one list of its commands. */
export function buildProgram(): Command {
  const program = new Command('mutation-journal')
    .description('Append Autopoietic OS journal entries')
    .version('0.1.0')
    .showHelpAfterError()
    .configureHelp(HELP);
  registerAppend(program);
  registerEffect(program);
  registerEvidence(program);
  registerGeneration(program);
  registerList(program);
  registerLedger(program);
  registerLineage(program);
  registerOrgan(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await runProgram(buildProgram(), argv);
}
