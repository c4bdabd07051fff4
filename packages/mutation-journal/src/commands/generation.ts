import { Option, type Command } from 'commander';
import { collectValues, runAction } from '@autopoietic/core/cli-kit';
import { LINEAGE_STATUSES } from '@autopoietic/core/vocab';
import { locationOptions, metadataOption, pathOption } from './journal-options.js';

export function registerGeneration(program: Command): void {
  const cmd = program
    .command('generation')
    .description('append a lineage record to generations.jsonl (manual; no guard applies); prints the stored record')
    .addOption(new Option('--lineage-status <status>', 'lineage status').choices(LINEAGE_STATUSES).default('installed'))
    .requiredOption('--generation <label>', 'generation label, e.g. gen-child (not a NixOS generation number)')
    .requiredOption('--mutation-id <id>', 'the mutation this generation carries')
    .requiredOption('--goal <text>', 'the goal of that mutation')
    .option('--changed-organ <name>', 'an organ the generation changes (repeatable)', collectValues)
    .option('--parent-generation <label>', 'parent generation label (default: none, written as null)')
    .option('--activation-result <text>', 'how activation went', 'unknown')
    .option('--verification-id <id>', 'the P1 verification record it follows from')
    .option('--promotion-id <id>', 'the P2 promotion record it follows from')
    .option('--target-root <path>', 'the root it was installed into')
    .option('--target-configuration <name>', 'the configuration it was built from');
  metadataOption(cmd);
  pathOption(cmd, 'generations.jsonl');
  locationOptions(cmd).action(
    runAction(async (opts) => {
      const { runGeneration } = await import('../journal/append-actions.js');
      await runGeneration(opts);
    }),
  );
}
