import type { Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';
import { DEFAULT_STALE_AFTER_DAYS } from '@autopoietic/core/vocab';
import { measureLedgerOptions, memoryOptions } from './organ-options.js';

export function registerOrganReview(organ: Command): void {
  const cmd = organ
    .command('review')
    .description('advisory, read-only decay review of the current organs (rules: docs/organs.md)')
    .option('--measure', 'derive usage and failures from the promotion, generation and verification ledgers')
    .option('--stale-after <days>', `an organ not touched for this many days is stale (default ${DEFAULT_STALE_AFTER_DAYS})`)
    .option('--verifications <file>', 'verification ledger for --measure (default: <memory dir>/mutation-results.jsonl)')
    .option('--evidence-bundle <path>', 'also write a P4 evidence bundle to this new file');
  measureLedgerOptions(memoryOptions(cmd)).action(
    runAction(async (opts) => {
      const { runReview } = await import('../organs/read-actions.js');
      await runReview(opts);
    }),
  );
}
