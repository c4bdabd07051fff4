import { closeSync, constants, existsSync, fstatSync, linkSync, lstatSync, openSync, readFileSync, renameSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { sha256 } from '@autopoietic/core/canonical';
import { atomicWriteLeftovers, fsyncDir, sameFile } from '@autopoietic/core/adapters';
import type { EffectRecord, InstallSeedFilePlan } from '@autopoietic/core/schemas';
import { probeSeedPath } from './apply-target.js';

/**
 * What install-revert must do for one install-apply effect, decided from the file's CURRENT
 * state, so a revert is idempotent and also finishes a revert or an apply that stopped half-way:
 *   - a created file still holding the planned content is removed; an absent one needs nothing;
 *   - a replaced file still holding the planned content gets its backup moved back; a file that
 *     already holds the backed-up content (and no backup left) needs nothing;
 *   - anything else changed after the apply: a conflict, refused unless --force (which keeps the
 *     changed content in a backup of its own before compensating).
 */
export type RevertStep =
  | { kind: 'noop'; applied: EffectRecord; why: string }
  | { kind: 'remove' | 'restore'; applied: EffectRecord; writePath: string; changed?: string | undefined; backup?: string | undefined; gone?: boolean }
  | { kind: 'blocked'; applied: EffectRecord; reason: string };

/** sha256 of a regular file (opened without following a final symlink), or undefined when it does not exist. */
export function digestIfPresent(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path} is not a regular file`);
    return sha256(readFileSync(fd));
  } finally {
    closeSync(fd);
  }
}

export function planRevertStep(root: string, file: InstallSeedFilePlan, applied: EffectRecord): RevertStep {
  const meta = applied.metadata ?? {};
  if (meta.prior_state === 'identical') return { kind: 'noop', applied, why: 'install-apply found the planned content already there and wrote nothing' };
  const writePath = meta.write_path ?? applied.target;
  const probe = probeSeedPath(root, file);
  if (probe.kind === 'refused') return { kind: 'blocked', applied, reason: probe.reason };
  if (probe.writePath !== writePath) return { kind: 'blocked', applied, reason: `${applied.target} now resolves to ${probe.writePath}, not ${writePath} as at apply time` };
  const current = probe.kind === 'absent' ? undefined : probe.sha256;
  const planned = current === file.content_sha256;
  if (meta.prior_state === 'absent') {
    if (current === undefined) {
      // An apply killed between its mkdir and its rename leaves the directories it made and a
      // temp file, but no seed file: those are still the apply's to undo.
      if (!leftoversOf(writePath, meta.created_dirs)) return { kind: 'noop', applied, why: 'the created file is already gone' };
      return { kind: 'remove', applied, writePath, gone: true };
    }
    return { kind: 'remove', applied, writePath, changed: planned ? undefined : current };
  }
  const backup = meta.backup_path;
  if (meta.prior_state !== 'replaced' || !backup) return { kind: 'blocked', applied, reason: `effect ${applied.effect_id} has no usable prior_state/backup_path metadata` };
  let backupDigest: string | undefined;
  try {
    backupDigest = digestIfPresent(backup);
  } catch (e) {
    return { kind: 'blocked', applied, reason: `backup ${backup} cannot be read: ${(e as Error).message}` };
  }
  if (backupDigest === undefined && current === meta.prior_sha256) return { kind: 'noop', applied, why: 'the backup was already restored' };
  if (backupDigest !== meta.backup_sha256) {
    return { kind: 'blocked', applied, reason: `backup ${backup} is ${backupDigest === undefined ? 'missing' : `changed (${backupDigest})`}; expected ${meta.backup_sha256}` };
  }
  // The old content still in place beside an intact backup: the write never happened (a crash
  // between taking the backup and the rename). Restoring then just drops the duplicate link.
  const unchanged = planned || current === undefined || current === meta.prior_sha256;
  return { kind: 'restore', applied, writePath, backup, changed: unchanged ? undefined : current };
}

function createdDirs(recorded: string | undefined): string[] {
  return recorded ? (JSON.parse(recorded) as string[]) : [];
}

/** True when an interrupted apply left a temp file for `writePath` or one of the directories it created. */
function leftoversOf(writePath: string, recordedDirs: string | undefined): boolean {
  return atomicWriteLeftovers(writePath).length > 0 || createdDirs(recordedDirs).some((d) => existsSync(d));
}

/** Where a forced revert keeps the changed content it found at `writePath`: beside it, named for the revert. */
export function forcedBackupPath(writePath: string, revertId: string): string {
  return `${writePath}.autopoietic-revert-backup-${revertId}`;
}

/**
 * Keeps changed content aside (forced revert) as a hard link `aside` in the same directory. A
 * continued revert finds the link its first run took still there, the same file: kept already.
 */
export function keepChanged(writePath: string, aside: string): void {
  if (isLinkOf(aside, writePath)) return;
  linkSync(writePath, aside);
  fsyncDir(posix.dirname(writePath));
}

/** True when `aside` is itself (not through a symlink) a hard link of the file at `path`. */
function isLinkOf(aside: string, path: string): boolean {
  try {
    return lstatSync(aside).isFile() && sameFile(aside, path);
  } catch {
    return false;
  }
}

/** Performs a remove or restore step (the compensation effect has already been journaled). */
export function performStep(step: Extract<RevertStep, { kind: 'remove' | 'restore' }>): void {
  const dir = posix.dirname(step.writePath);
  if (step.kind === 'restore') {
    // rename() between two links of one file does nothing, so a duplicate backup is unlinked instead.
    if (sameFile(step.backup!, step.writePath)) unlinkSync(step.backup!);
    else renameSync(step.backup!, step.writePath);
    for (const temp of atomicWriteLeftovers(step.writePath)) rmSync(temp, { force: true });
    fsyncDir(dir);
    return;
  }
  const temps = atomicWriteLeftovers(step.writePath);
  if (!step.gone) unlinkSync(step.writePath);
  for (const temp of temps) rmSync(temp, { force: true });
  if (!step.gone || temps.length > 0) fsyncDir(dir); // a gone file's directory may never have been made
  for (const d of [...createdDirs(step.applied.metadata?.created_dirs)].reverse()) {
    try {
      rmdirSync(d);
      fsyncDir(posix.dirname(d));
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'ENOENT' && code !== 'EEXIST') throw e;
    }
  }
}
