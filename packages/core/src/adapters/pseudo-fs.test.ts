import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { pseudoFileSystemAt } from './pseudo-fs.js';

// Real mounts only: /proc is on every Linux machine the CLIs run on; /sys too, except in a Nix
// build sandbox (the package's checkPhase runs these tests there), so sysfs is checked where
// this machine mounts it.
const sysMounted = readFileSync('/proc/self/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === '/sys');

describe('pseudoFileSystemAt', () => {
  it('finds proc (and sysfs where /sys is mounted) under a path that does not exist yet, from its deepest existing directory', () => {
    expect(pseudoFileSystemAt('/proc/self/x.json')).toEqual({ kind: 'proc', at: '/proc/self' });
    expect(pseudoFileSystemAt(`/proc/${process.pid}/nope/deeper/x.json`)).toEqual({ kind: 'proc', at: `/proc/${process.pid}` });
    expect(pseudoFileSystemAt('/proc/no-such-pid/x.json')).toEqual({ kind: 'proc', at: '/proc' });
    expect(pseudoFileSystemAt('/sys/x.json')).toEqual(sysMounted ? { kind: 'sysfs', at: '/sys' } : undefined);
  });

  it('names every kernel pseudo-file system mounted on this machine as mount does, and nothing else', () => {
    // The table is keyed by statfs magic numbers (linux/magic.h): a wrong number would go unseen
    // for every type these tests do not name. Each mount point is checked against its type in
    // /proc/self/mounts, whatever this machine mounts (cgroup, cgroup2, devpts, mqueue ...).
    const pseudo = new Set(['proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'debugfs', 'tracefs', 'securityfs', 'bpf', 'pstore', 'efivarfs', 'configfs', 'fusectl', 'binfmt_misc', 'selinuxfs', 'smackfs', 'mqueue', 'hugetlbfs']);
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(' '))
      // octal escapes (\040 for a space) in mount points
      .map(([, at, type]) => ({ at: at!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))), type: type! }));
    const seen = new Set<string>();
    for (const [i, m] of mounts.entries()) {
      // a later mount on the same point hides this one
      if (mounts.slice(i + 1).some((o) => o.at === m.at)) continue;
      if (!reachable(m.at)) continue; // under a directory this user may not search (/sys/kernel/debug/tracing)
      // An automount point (systemd's for /proc/sys/fs/binfmt_misc on Ubuntu): statfs mounts what
      // it stands for, so the type found is that one's, not autofs.
      if (m.type === 'autofs') continue;
      const found = pseudoFileSystemAt(m.at);
      expect(found?.kind, `${m.at} (${m.type})`).toBe(pseudo.has(m.type) ? m.type : undefined);
      if (found) seen.add(found.kind);
    }
    expect([...seen]).toEqual(expect.arrayContaining(sysMounted ? ['proc', 'sysfs'] : ['proc']));
  });

  it('finds an existing kernel file, which looks regular but is replaced by no rename', () => {
    expect(pseudoFileSystemAt('/proc/self/status')?.kind).toBe('proc');
  });

  it('says nothing for a regular directory, a file in one, or a file under a file', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'file'), 'x');
    expect(pseudoFileSystemAt(join(dir, 'sub', 'new.json'))).toBeUndefined();
    expect(pseudoFileSystemAt(join(dir, 'missing', 'deeper', 'new.json'))).toBeUndefined();
    expect(pseudoFileSystemAt(join(dir, 'file'))).toBeUndefined();
    expect(pseudoFileSystemAt(join(dir, 'file', 'x.json'))).toBeUndefined();
  });

  it('leaves devices and FIFOs alone, wherever they are: they are written into, not replaced', () => {
    const dir = tempDir();
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    expect(pseudoFileSystemAt(join(dir, 'pipe'))).toBeUndefined();
    expect(pseudoFileSystemAt('/dev/null')).toBeUndefined();
    // A device that itself lies on a listed pseudo-file system (devpts's ptmx), unlike the ones above.
    expect(pseudoFileSystemAt('/dev/pts/new.json')).toEqual({ kind: 'devpts', at: '/dev/pts' });
    expect(pseudoFileSystemAt('/dev/pts/ptmx')).toBeUndefined();
    // /proc/self/fd/N is a proc path that leads to the open file itself: a device, or a regular
    // file on a disk (which the atomic write then replaces where it really is).
    const devNull = openSync('/dev/null', 'w');
    writeFileSync(join(dir, 'out.json'), '{}');
    const regular = openSync(join(dir, 'out.json'), 'r');
    try {
      expect(pseudoFileSystemAt(`/proc/self/fd/${devNull}`)).toBeUndefined();
      expect(pseudoFileSystemAt(`/proc/self/fd/${regular}`)).toBeUndefined();
    } finally {
      closeSync(devNull);
      closeSync(regular);
    }
  });
});

function reachable(path: string): boolean {
  try {
    statfsSync(path);
    return true;
  } catch {
    return false;
  }
}
