import type { Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';
import { measureLedgerOptions, memoryOptions } from './organ-options.js';

export function registerOrganSuggest(organ: Command): void {
  const cmd = organ
    .command('suggest')
    .description('read-only: organs that promoted mutations, installed generations or the genome show but the registry lacks')
    .option('--self-state <file>', 'os-introspect self-state: also compare the organs the genome defines (genome.organs)')
    .option('--evidence-bundle <path>', 'also write a P4 evidence bundle to this new file');
  measureLedgerOptions(memoryOptions(cmd, '--registry')).action(
    runAction(async (opts) => {
      const { runSuggest } = await import('../organs/read-actions.js');
      await runSuggest(opts);
    }),
  );
}
