import { Option, type Command } from 'commander';
import { runAction } from '@autopoietic/core/cli-kit';
import { RISKS } from '@autopoietic/core/vocab';
import { locationOptions, metadataOption, pathOption } from './journal-options.js';

export function registerEffect(program: Command): void {
  const cmd = program
    .command('effect')
    .description('append an effect outside Nix to effects.jsonl; prints the stored record')
    .option('--effect-id <id>', 'effect id (default: a new eff-<YYYYMMDD-HHMMSS>-<hex>)')
    .requiredOption('--mutation-id <id>', 'the mutation that caused the effect (not checked against any ledger)')
    .requiredOption('--type <type>', 'what kind of effect, e.g. file-write')
    .requiredOption('--target <target>', 'what it touches')
    .option('--reversible', 'the effect can be undone (a switch; default: not reversible)')
    .option('--compensation <text>', 'the compensating action', '')
    .option('--verified-by <text>', 'how the effect is, or will be, confirmed', '')
    .addOption(new Option('--risk <risk>', 'severity class').choices(RISKS).default('low'));
  metadataOption(cmd);
  pathOption(cmd, 'effects.jsonl');
  locationOptions(cmd).action(
    runAction(async (opts) => {
      const { runEffect } = await import('../journal/append-actions.js');
      await runEffect(opts);
    }),
  );
}
