import type { Command } from 'commander';
import { collectValues, runAction } from '@autopoietic/core/cli-kit';
import { fieldOptions, memoryOptions } from './organ-options.js';

export function registerOrganUpdate(organ: Command): void {
  const cmd = organ
    .command('update')
    .description('append a new version of a current organ: each given flag replaces that field; prints the stored record')
    .argument('<name>', 'current organ to update (compared without case)')
    .option('--id <organ-id>', 'pick one of several current organs with this name')
    .option('--rename <name>', 'give the organ a new name (one line, no control or invisible characters)');
  fieldOptions(cmd, false)
    .option('--unset <field>', 'clear an optional field: created_by, usage_count, failure_count, related_goals, decay_status (repeatable)', collectValues);
  memoryOptions(cmd).action(
    runAction(async (name: string, opts) => {
      const { runUpdate } = await import('../organs/write-actions.js');
      await runUpdate(name, opts);
    }),
  );
}
