import type { Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';
import { memoryOptions } from './organ-options.js';

export function registerOrganRetire(organ: Command): void {
  const cmd = organ
    .command('retire')
    .description('append a retired version of a current organ (history is kept); prints the stored record')
    .argument('<name>', 'current organ to retire (compared without case)')
    .requiredOption('--reason <text>', 'why it is retired')
    .option('--id <organ-id>', 'pick one of several current organs with this name');
  memoryOptions(cmd).action(
    runAction(async (name: string, opts) => {
      const { runRetire } = await import('../organs/write-actions.js');
      await runRetire(name, opts);
    }),
  );
}
