import type { Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';
import { memoryOptions } from './organ-options.js';

export function registerOrganList(organ: Command): void {
  const cmd = organ
    .command('list')
    .description('print the current organs (latest version of each organ that is not retired) as a JSON array')
    .option('--history', 'print every version of every organ instead, in registry order');
  memoryOptions(cmd).action(
    runAction(async (opts) => {
      const { runList } = await import('../organs/read-actions.js');
      await runList(opts);
    }),
  );
}
