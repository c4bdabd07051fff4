import { statSync } from 'node:fs';
import { type AosError, usageError } from '../cli-kit/errors.js';
import { deniedErrno } from './errno.js';
import { NOT_READABLE } from '../vocab/ledger-access.js';

/**
 * A failed read of a file a flag names (a proposal, its patch, an install plan, a --self-state,
 * a --policy file, an evidence bundle, a saved --output), in words and with what to do: the bare
 * code ("failed to read proposal …: ENOENT", "…: EACCES", "…: ENOTDIR") was all the record's
 * reason said, and so all a CI log showed. Other failures (a directory, too large) already say
 * what they are. One wording for every CLI.
 */
export function readFailure(read: { code: string; reason: string }): string {
  if (read.code === 'ENOENT') return 'no such file (ENOENT): check the path';
  const denied = deniedErrno(read.code);
  if (denied) return `${NOT_READABLE} (${denied}): fix its owner or mode, or run as a user who may read it`;
  if (read.code === 'ENOTDIR') return 'a part of its path is a file, not a directory (ENOTDIR): check the path';
  if (read.code === 'ELOOP') return 'its path goes round a loop of symbolic links (ELOOP): fix the link that leads back, or name the file itself';
  return read.reason;
}

/**
 * Why `file` cannot be looked up (stat follows links), as readFailure takes it, or undefined when
 * it can. A check that a file exists asks this, not existsSync: existsSync is false for a file
 * under a file (ENOTDIR), a symlink loop (ELOOP) and a directory this user may not search
 * (EACCES) alike, and so called each "does not exist", sending the user to look for a file that
 * is there. Only `code === 'ENOENT'` means missing.
 */
export function lookupFailure(file: string): { code: string; reason: string } | undefined {
  try {
    statSync(file);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return { code, reason: code };
  }
}

/**
 * The refusal (exit 2) of a `--self-state` file that cannot be read (mutation-journal organ
 * suggest, mutation-runner handoff): in readFailure's words, and a hint that fits. A file that is
 * there but closed to this user needs its mode or owner fixed: a new one written by os-introspect
 * would not help.
 */
export function selfStateUnreadable(file: string, read: { code: string; reason: string }): AosError {
  const hint = deniedErrno(read.code)
    ? 'Make it readable to this user (its owner or mode), or pass a copy this user can read.'
    : 'Write one with `os-introspect --output FILE` and pass that file.';
  return usageError('self-state-unreadable', `cannot read --self-state ${file}: ${readFailure(read)}`, hint);
}
