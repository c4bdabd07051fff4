import type { Command } from 'commander';
import { collectValues } from '@autopoietic/core/cli-kit';

/**
 * Flag declarations shared by the journal commands. Only commander and core's CLI kit are
 * imported here: declaring flags must not load zod or the ledger, so `--help` stays fast.
 */

/** Where the ledgers are: an explicit file flag wins, then these (core/ledger/paths.ts). */
export function locationOptions(cmd: Command): Command {
  return cmd
    .option('--memory-dir <dir>', 'memory directory holding the ledgers (default: AUTOPOIETIC_MEMORY_DIR, host policy memory_dir, or <genome root>/memory)')
    .option('--root <dir>', 'genome root whose memory/ to use (default: the nearest directory above the working directory holding flake.nix)');
}

export function pathOption(cmd: Command, file: string): Command {
  return cmd.option('--path <file>', `ledger file (default: <memory dir>/${file})`);
}

export function metadataOption(cmd: Command): Command {
  return cmd.option('--metadata <key=value>', 'annotation, split at the first "=" (repeatable; a repeated key keeps the last value)', collectValues);
}
