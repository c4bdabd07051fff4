import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { deniedErrno } from '../adapters/errno.js';
import { pseudoFileSystemAt } from '../adapters/pseudo-fs.js';
import { AosError } from '../cli-kit/errors.js';
import { UNREADABLE_HINT } from '../vocab/ledger-access.js';

/**
 * Checks that a ledger about to be read is a regular file, or absent (an empty ledger); the
 * readers (readRecords, verifyLedger and so repair and checkpoint) call it first, and
 * appendRecord and checkpoint before taking their lock (so /dev/null is refused as a device,
 * not as the /dev/null.lock this user may not create). Without it a directory or a symlink loop
 * where a ledger should be came out as `error[internal]: EISDIR: illegal operation on a
 * directory, read`, without the path. A device or FIFO is refused too: reading one is never what
 * a ledger path means (open-ledgers.ts checks the opened file again, for a swap in between).
 */
export function checkLedgerFile(path: string): void {
  let st: Stats;
  try {
    st = statSync(path);
    if (st.isFile()) accessSync(path, constants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') return;
    // A ledger this user may not read gets the one remedy every command gives for it (core vocab):
    // "check the permissions" left open whose, and that another memory directory is the way out.
    throw new AosError('ledger-unreadable', `ledger ${path} cannot be read (${code})`, {
      hint: code === 'ELOOP' ? 'It is a symlink that leads back to itself: replace it with the ledger file.' : deniedErrno(e) ? UNREADABLE_HINT : 'Check the path and its permissions.',
      cause: e,
    });
  }
  if (!st.isFile()) throw notAFile(path, st);
  // Kernel file systems generate their "regular files" when read: /proc/self/status reports size
  // 0 (it verified as an empty, healthy ledger and listed as []), a /sys file 4096 whatever it
  // holds. By statfs type (adapters/pseudo-fs.ts), so a bind mount of one is caught too.
  const pseudo = pseudoFileSystemAt(path);
  if (pseudo) {
    throw new AosError('ledger-not-a-file', `ledger ${path} is on ${pseudo.kind}, a kernel pseudo-filesystem, not a ledger file`, {
      hint: 'Its files are generated on read and report a size of 0, so they would read as an empty ledger. Point the ledger option (--path, --journal, --memory-dir) at the JSONL ledger files.',
    });
  }
}

/** The one refusal of a ledger path that names something other than a regular file. */
export function notAFile(path: string, st: Stats): AosError {
  return new AosError('ledger-not-a-file', `ledger ${path} is not a regular file (${kindOf(st)})`, {
    hint: 'Move it aside, or point the ledger option (--path, --journal, --memory-dir) at the JSONL ledger files.',
  });
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}
