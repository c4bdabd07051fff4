import { statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Kernel pseudo-file systems: they show the kernel's state as files, and no regular file can be
 * made in them (open(O_CREAT) fails with ENOENT or EACCES, rename is refused, write is EINVAL),
 * though their directories exist. Keyed by statfs f_type (linux/magic.h).
 */
const PSEUDO_FS = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x1cd1, 'devpts'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x62656570, 'configfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0xf97cff8c, 'selinuxfs'],
  [0x43415d53, 'smackfs'],
  [0x19800202, 'mqueue'],
  [0x958458f6, 'hugetlbfs'],
]);

export interface PseudoFileSystem {
  /** Its type, as `mount` names it: `proc`, `sysfs`. */
  kind: string;
  /** The existing path that was found on it: `path` itself, or its deepest existing ancestor. */
  at: string;
}

/**
 * The pseudo-file system a regular file at `path` would have to live on, or undefined. A path
 * that does not exist yet is judged by its deepest existing ancestor (`/proc/self/x.json` by
 * `/proc/self`); symlinks are followed, as the write follows them. A device, FIFO or socket is
 * never refused: it is written into, not replaced (`/proc/<pid>/fd/1` to a terminal).
 */
export function pseudoFileSystemAt(path: string): PseudoFileSystem | undefined {
  if (process.platform !== 'linux') return undefined; // f_type values are Linux's
  const abs = resolve(path);
  if (isSpecialNode(abs)) return undefined;
  for (let at = abs; ; at = dirname(at)) {
    const type = fsType(at);
    if (type !== undefined) {
      const kind = PSEUDO_FS.get(type);
      return kind === undefined ? undefined : { kind, at };
    }
    if (dirname(at) === at) return undefined;
  }
}

/**
 * Why `path` cannot receive a regular file, for a refusal that names the path before it
 * (`--output X is on proc (/proc/self), ...`), or undefined when it can.
 */
export function pseudoFileSystemProblem(path: string): string | undefined {
  const fs = pseudoFileSystemAt(path);
  return fs && `is on ${fs.kind} (${fs.at}), a kernel pseudo-file system that cannot hold a regular file`;
}

function isSpecialNode(path: string): boolean {
  try {
    const st = statSync(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

/** statfs f_type of `path`, or undefined when it cannot be stat'ed (missing, not a directory, no search permission). */
function fsType(path: string): number | undefined {
  try {
    // Unsigned: a 32-bit f_type is signed, and 0xcafe4a11 would read negative there.
    return Number(statfsSync(path).type) >>> 0;
  } catch {
    return undefined;
  }
}
