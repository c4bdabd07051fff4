import type { Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';
import { locationOptions } from './journal-options.js';

const KIND_HELP = 'ledger kind: mutations, effects, generations, results, promotions, organs or lineage (with --path: the record type of that file)';

/** `ledger verify | repair | checkpoint`: integrity of the hash-chained ledgers (docs/ledger.md). */
export function registerLedger(program: Command): void {
  const ledger = program.command('ledger').description('check, repair and checkpoint the hash-chained ledgers');

  const verify = ledger
    .command('verify')
    .description('check every line (JSON, schema, hash chain, checkpoint); prints counts, the head digest and each problem by line; exit 1 when any ledger has problems, lacks a checkpoint --checkpoint requires or has one that cannot be used')
    .option('--path <file>', 'verify this ledger file')
    .option('--kind <kind>', KIND_HELP)
    .option('--all', 'verify every ledger in the memory directory (the default)')
    .option('--checkpoint [file]', 'also check against a checkpoint: the given file, or <ledger>.checkpoint.json which must then exist (with --all, each existing ledger without one is reported as checkpoint-missing; without the flag it is used when present, and with --all one that cannot be used is reported as checkpoint-invalid)');
  locationOptions(verify).action(
    runAction(async (opts) => {
      const { runVerify } = await import('../journal/ledger-actions.js');
      await runVerify(opts);
    }),
  );

  const repair = ledger
    .command('repair')
    .description('move a torn final line into <ledger>.quarantine-<time> (bytes are never deleted); other damage is only reported')
    .option('--path <file>', 'ledger file to repair')
    .option('--kind <kind>', KIND_HELP);
  locationOptions(repair).action(
    runAction(async (opts) => {
      const { runRepair } = await import('../journal/ledger-actions.js');
      await runRepair(opts);
    }),
  );

  const checkpoint = ledger
    .command('checkpoint')
    .description('record the head (seq and digest) of a ledger that verifies, so that verify detects a later truncation')
    .option('--path <file>', 'ledger file')
    .option('--kind <kind>', KIND_HELP)
    .option('--to <file>', 'write the checkpoint here (default: <ledger>.checkpoint.json)');
  locationOptions(checkpoint).action(
    runAction(async (opts) => {
      const { runCheckpoint } = await import('../journal/ledger-actions.js');
      await runCheckpoint(opts);
    }),
  );
}
