import { accessSync, constants, statfsSync, statSync, type Stats } from 'node:fs';
import { AosError } from '../cli-kit/errors.js';

/**
 * Checks that a ledger about to be read is a regular file, or absent (an empty ledger); the
 * readers (readRecords, verifyLedger and so repair and checkpoint) call it first. Without it a
 * directory or a symlink loop where a ledger should be came out as `error[internal]: EISDIR:
 * illegal operation on a directory, read`, without the path. A device or FIFO is refused too:
 * reading one is never what a ledger path means (appendRecord refuses them as well).
 */
export function checkLedgerFile(path: string): void {
  let st: Stats;
  try {
    st = statSync(path);
    if (st.isFile()) accessSync(path, constants.R_OK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') return;
    throw new AosError('ledger-unreadable', `ledger ${path} cannot be read (${code})`, {
      hint: code === 'ELOOP' ? 'It is a symlink that leads back to itself: replace it with the ledger file.' : 'Check the path and its permissions.',
      cause: e,
    });
  }
  if (!st.isFile()) throw notAFile(path, st);
  const pseudo = pseudoFilesystem(path);
  if (pseudo) {
    throw new AosError('ledger-not-a-file', `ledger ${path} is on ${pseudo}, a kernel pseudo-filesystem, not a ledger file`, {
      hint: 'Its files are generated on read and report a size of 0, so they would read as an empty ledger. Point the ledger option (--path, --journal, --memory-dir) at the JSONL ledger files.',
    });
  }
}

/**
 * Kernel filesystems whose "regular files" are generated when read: /proc/self/status reports
 * size 0 (it verified as an empty, healthy ledger and listed as []), a /sys file 4096 whatever it
 * holds. By statfs magic (linux/magic.h), so a bind mount or another mount point is caught too.
 */
const PSEUDO_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroupfs'],
  [0x63677270, 'cgroup2fs'],
  [0x62656570, 'configfs'],
]);

function pseudoFilesystem(path: string): string | undefined {
  try {
    return PSEUDO_FILESYSTEMS.get(Number(statfsSync(path).type));
  } catch {
    return undefined; // statfs unsupported here: the stat checks above stand
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
