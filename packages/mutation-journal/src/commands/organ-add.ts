import type { Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';
import { fieldOptions, memoryOptions } from './organ-options.js';

export function registerOrganAdd(organ: Command): void {
  const cmd = organ
    .command('add')
    .description('register a new organ (a name no current organ has); prints the stored record')
    .requiredOption('--name <name>', 'organ name: one line, no control or invisible characters (unique among current organs, compared without case)');
  fieldOptions(cmd, true);
  memoryOptions(cmd).action(
    runAction(async (opts) => {
      const { runAdd } = await import('../organs/write-actions.js');
      await runAdd(opts);
    }),
  );
}
