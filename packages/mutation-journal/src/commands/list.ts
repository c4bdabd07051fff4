import { Option, type Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';
import { locationOptions } from './journal-options.js';

export function registerList(program: Command): void {
  const cmd = program
    .command('list')
    .description('print the records of one ledger in file order (JSON array, or a table); filters combine')
    .argument('<kind>', 'ledger kind: mutations, effects, generations, results, promotions, organs or lineage')
    .option('--mutation-id <id>', 'only records of this mutation')
    .option('--status <status>', 'only records with this status (lineage_status for generations, verdict for lineage)')
    .option('--since <time>', 'only records at or after this time (RFC 3339, or a UTC date such as 2026-01-02)')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']).default('json'))
    .option('--path <file>', 'ledger file (default: the kind\'s file in the memory directory)');
  locationOptions(cmd).action(
    runAction(async (kind: string, opts) => {
      const { runList } = await import('../journal/list-action.js');
      await runList(kind, opts);
    }),
  );
}
