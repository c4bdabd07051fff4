import { chmodSync, linkSync, lstatSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { AosError } from '@autopoietic/core/cli-kit';
import { sha256 } from '@autopoietic/core/canonical';
import { entryExists, fsyncDir, writeFileAtomic } from '@autopoietic/core/adapters';
import type { InstallSeedFilePlan } from '@autopoietic/core/schemas';
import { checkMode, permissionBits } from './seed-mode.js';
import { allowedOwners, ownerProblem } from './seed-owner.js';
import { readSeedFile, resolveInRoot } from './target-fs.js';

/**
 * What install-apply finds at each seed path before it writes anything, and the write itself.
 * Parent directories may be reached through symlinks that stay inside the target root (for
 * example an impermanence layout); the final component is never written through a symlink.
 */

export type Probe =
  | { kind: 'absent'; file: InstallSeedFilePlan; writePath: string }
  | { kind: 'identical'; file: InstallSeedFilePlan; writePath: string; sha256: string }
  /** `difference`: what differs from the plan, for the refusal without --force. */
  | { kind: 'different'; file: InstallSeedFilePlan; writePath: string; sha256: string; difference: string }
  | { kind: 'refused'; file: InstallSeedFilePlan; reason: string };

export function probeSeedPath(root: string, file: InstallSeedFilePlan): Probe {
  const parent = resolveInRoot(root, posix.dirname(file.installed_path));
  const base = posix.basename(file.installed_path);
  if (parent.kind === 'escape') return { kind: 'refused', file, reason: `symlink ${parent.link} -> ${parent.target} leaves the target root` };
  if (parent.kind === 'error') return { kind: 'refused', file, reason: parent.reason };
  if (parent.kind === 'missing') return { kind: 'absent', file, writePath: posix.join(parent.path, base) };
  if (!lstatSync(parent.path).isDirectory()) return { kind: 'refused', file, reason: `${parent.path} is not a directory` };
  const writePath = posix.join(parent.path, base);
  let isLink = false;
  try {
    const st = lstatSync(writePath);
    isLink = st.isSymbolicLink();
    if (!isLink && !st.isFile()) return { kind: 'refused', file, reason: `${writePath} exists and is not a regular file` };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent', file, writePath };
    return { kind: 'refused', file, reason: `cannot inspect ${writePath}: ${(e as NodeJS.ErrnoException).code}` };
  }
  const read = readSeedFile(root, file.installed_path);
  const never = 'install-apply never replaces a symlink, even with --force (remove it or change what manages it)';
  if (read.status === 'read' && sha256(read.bytes) === file.content_sha256) {
    // The same rules as install-verify's: a file it would report mismatched is not installed yet.
    const modeOk = file.mode === undefined || checkMode(file.mode, read.stat.mode, read.resolvedPath !== undefined).status === 'matched';
    const owner = ownerProblem(read.stat.uid, allowedOwners(statSync(root).uid), read.resolvedPath ?? writePath);
    if (modeOk && owner === undefined) return { kind: 'identical', file, writePath, sha256: file.content_sha256 };
    const difference = modeOk
      ? `the planned content and mode, but ${owner}`
      : `the planned content but mode ${permissionBits(read.stat.mode)}, not the plan's ${file.mode}${owner ? `; and ${owner}` : ''}`;
    if (isLink) return { kind: 'refused', file, reason: `${writePath} is a symlink to a file with ${difference}; ${never}` };
    return { kind: 'different', file, writePath, sha256: file.content_sha256, difference: `exists with ${difference}` };
  }
  if (isLink) return { kind: 'refused', file, reason: `${writePath} is a symlink without the planned content; ${never}` };
  if (read.status !== 'read') return { kind: 'refused', file, reason: read.status === 'error' ? read.reason : `${writePath} disappeared while it was inspected` };
  const actual = sha256(read.bytes);
  return { kind: 'different', file, writePath, sha256: actual, difference: `exists with different content (${actual})` };
}

/** Directories that must be created (outermost first) so that `writePath`'s parent exists. */
export function missingDirs(root: string, file: InstallSeedFilePlan, writePath: string): string[] {
  const parent = resolveInRoot(root, posix.dirname(file.installed_path));
  if (parent.kind === 'found' && parent.path === posix.dirname(writePath)) return [];
  if (parent.kind !== 'missing' || posix.join(parent.path, posix.basename(writePath)) !== writePath) {
    throw changed(writePath, 'its parent directory no longer resolves as it did when checked');
  }
  const rest = posix.relative(parent.existing, parent.path).split('/');
  return rest.map((_, i) => posix.join(parent.existing, ...rest.slice(0, i + 1)));
}

function changed(path: string, why: string): AosError {
  return new AosError('target-changed', `${path} changed during install-apply: ${why}`, {
    hint: 'Something else is writing into the target root. Stop it, run install-revert --plan for what was written, and apply again.',
  });
}

export interface WriteStep {
  probe: Extract<Probe, { kind: 'absent' | 'different' }>;
  root: string;
  bytes: Buffer;
  dirs: string[];
  backupPath?: string | undefined;
}

/** Performs one planned write: create directories, keep the old file as a hard-linked backup, then replace atomically. */
export function performWrite(step: WriteStep): void {
  const { probe, root } = step;
  for (const dir of step.dirs) {
    mkdirSync(dir, { mode: 0o755 });
    // mkdir's mode is masked by the umask: an operator's 077 would leave the installed /etc 0700.
    chmodSync(dir, 0o755);
    fsyncDir(posix.dirname(dir));
  }
  if (probe.kind === 'absent') {
    if (entryExists(probe.writePath)) throw changed(probe.writePath, 'a file appeared where none was');
  } else {
    const now = readSeedFile(root, probe.file.installed_path);
    if (now.status !== 'read' || sha256(now.bytes) !== probe.sha256) throw changed(probe.writePath, 'its content is no longer what was checked');
    // A hard link keeps the old inode under the backup name while rename() swaps the new file in:
    // the seed path never disappears and the backup is never a partial copy.
    linkSync(probe.writePath, step.backupPath!);
    fsyncDir(posix.dirname(probe.writePath));
  }
  try {
    writeFileAtomic(probe.writePath, step.bytes, { mode: Number.parseInt(probe.file.mode ?? '0644', 8) });
  } catch (e) {
    // The old file is still in place: drop its now-useless backup link so the path is as it was.
    if (step.backupPath) {
      rmSync(step.backupPath, { force: true });
      fsyncDir(posix.dirname(probe.writePath));
    }
    throw e;
  }
}

