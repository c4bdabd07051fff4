import type { Command } from 'commander';
import { DECAY_STATUSES, ORGAN_TYPES } from '@autopoietic/core/vocab';
import { collectValues } from '@autopoietic/core/cli-kit';

/** Flag declarations shared by the organ subcommands (values are validated in organs/fields.ts). */
export function memoryOptions(cmd: Command, registryFlag: '--path' | '--registry' = '--path'): Command {
  return cmd
    .option('--memory-dir <dir>', 'memory directory holding the ledgers (default: AUTOPOIETIC_MEMORY_DIR, host policy memory_dir, or <genome root>/memory)')
    .option(`${registryFlag} <file>`, 'organ registry (default: <memory dir>/organs.jsonl)');
}

export function measureLedgerOptions(cmd: Command): Command {
  return cmd
    .option('--promotions <file>', 'promotion ledger (default: <memory dir>/mutation-promotions.jsonl)')
    .option('--generations <file>', 'generation ledger (default: <memory dir>/generations.jsonl)');
}

/** The organ fields; `required` for add, optional (each replaces that field) for update. */
export function fieldOptions(cmd: Command, required: boolean): Command {
  const opt = (flags: string, text: string) => (required ? cmd.requiredOption(flags, text) : cmd.option(flags, text));
  opt('--type <type>', `organ type: ${ORGAN_TYPES.join(', ')}`);
  opt('--source <path>', 'where the organ is defined, relative to the genome root (a file or directory)');
  opt('--purpose <text>', 'what the organ is for');
  return cmd
    .option('--created-by <who>', 'who or what created it')
    .option('--usage-count <n>', 'declared number of uses (integer >= 0)')
    .option('--failure-count <n>', 'declared number of failures (integer >= 0)')
    .option('--related-goal <goal>', `goal it serves (repeatable${required ? '' : '; replaces the list'})`, collectValues)
    .option('--decay-status <status>', `declared decay status: ${DECAY_STATUSES.join(', ')}`);
}
