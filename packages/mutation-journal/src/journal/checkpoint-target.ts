import { statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { isDirectory, sameFile } from '@autopoietic/core/adapters';
import { usageError } from '@autopoietic/core/cli-kit';
import { ledgerLikeName } from '@autopoietic/core/ledger';

/**
 * Checks `ledger checkpoint --to` before the lock is taken. The checkpoint is replaced
 * atomically, so a --to naming a ledger would put a JSON object where records belong: the
 * ledger itself (refused later as an "invalid checkpoint", with a hint to remove it), or
 * another kind's ledger not created yet (written, and that ledger then failed verify). Any
 * `.jsonl` name is a ledger's; a directory cannot hold a checkpoint (an empty --to is refused
 * with every empty path flag, by runProgram).
 */
export function checkpointTarget(to: string, ledger: string): string {
  const target = resolve(to);
  const hint = 'Write the checkpoint to a .json file of its own, e.g. leave --to out for <ledger>.checkpoint.json.';
  if (target === resolve(ledger) || sameFile(target, ledger)) throw usageError('checkpoint-target', `--to ${target} is the ledger itself`, hint);
  if (ledgerLikeName(target)) throw usageError('checkpoint-target', `--to ${target} names a JSONL ledger file`, hint);
  if (isDirectory(target)) throw usageError('checkpoint-target', `--to ${target} is a directory`, `Name a file in it, e.g. --to ${target}/ledger.checkpoint.json.`);
  const special = specialFileKind(target);
  if (special) throw usageError('checkpoint-target', `--to ${target} is a ${special}, not a file`, hint);
  return target;
}

/**
 * A device, FIFO or socket at --to can never hold the checkpoint (it is a file replaced by
 * rename). Left to the checkpoint reader, `--to /dev/full` was refused as "cannot read the ledger
 * checkpoint /dev/full", with the hint to create one with `ledger checkpoint`: the command run.
 */
function specialFileKind(path: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return undefined; // missing (to be created) or unreachable: the write names the problem
  }
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isFIFO()) return 'FIFO';
  if (st.isSocket()) return 'socket';
  return undefined;
}
