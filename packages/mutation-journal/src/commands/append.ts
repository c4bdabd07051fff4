import { Option, type Command } from 'commander';
import { collectValues, runAction } from '@autopoietic/core/cli-kit';
import { MUTATION_STATUSES } from '@autopoietic/core/vocab';
import { locationOptions, metadataOption, pathOption } from './journal-options.js';

export function registerAppend(program: Command): void {
  const cmd = program
    .command('append')
    .description('append a mutation journal entry to mutations.jsonl; prints the stored record')
    .option('--mutation-id <id>', 'mutation id (default: a new mut-<YYYYMMDD-HHMMSS>-<hex>)')
    .requiredOption('--goal <text>', 'what the mutation is for')
    .addOption(new Option('--status <status>', 'journal status').choices(MUTATION_STATUSES).default('pending'))
    .requiredOption('--phase <label>', 'phase label, e.g. P0-smoke')
    .option('--reason <text>', 'why the status is what it is', '')
    .option('--changed-path <path>', 'a path the mutation changes (repeatable; not checked)', collectValues)
    .option('--next-hypothesis <text>', 'what to try next', '');
  metadataOption(cmd);
  pathOption(cmd, 'mutations.jsonl');
  locationOptions(cmd).action(
    runAction(async (opts) => {
      const { runAppend } = await import('../journal/append-actions.js');
      await runAppend(opts);
    }),
  );
}
