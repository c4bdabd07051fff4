import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { usageError } from '@autopoietic/core/cli-kit';
import { ledgerLikeName } from '@autopoietic/core/ledger';

/**
 * Checks `ledger checkpoint --to` before the lock is taken. The checkpoint is replaced
 * atomically, so a --to naming a ledger would put a JSON object where records belong: the
 * ledger itself (refused later as an "invalid checkpoint", with a hint to remove it), or
 * another kind's ledger not created yet (written, and that ledger then failed verify). Any
 * `.jsonl` name is a ledger's; a directory or an empty value cannot hold a checkpoint.
 */
export function checkpointTarget(to: string, ledger: string): string {
  if (to.trim() === '') throw usageError('flag-blank', '--to must not be empty', 'Name the checkpoint file, or leave --to out for <ledger>.checkpoint.json.');
  const target = resolve(to);
  const hint = 'Write the checkpoint to a .json file of its own, e.g. leave --to out for <ledger>.checkpoint.json.';
  if (sameFile(target, resolve(ledger))) throw usageError('checkpoint-target', `--to ${target} is the ledger itself`, hint);
  if (ledgerLikeName(target)) throw usageError('checkpoint-target', `--to ${target} names a JSONL ledger file`, hint);
  if (isDirectory(target)) throw usageError('checkpoint-target', `--to ${target} is a directory`, `Name a file in it, e.g. --to ${target}/ledger.checkpoint.json.`);
  return target;
}

function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false; // one of them does not exist (yet): not the same file
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
