import { statSync } from 'node:fs';
import { NOT_READABLE } from '@autopoietic/core/vocab';

/**
 * A failed read of a file a flag names (a proposal, its patch, an install plan, a --self-state,
 * a --policy file), in words and with what to do: the bare code ("failed to read proposal …:
 * ENOENT", "…: EACCES", "…: ENOTDIR") was all the record's reason said, and so all a CI log
 * showed. Other failures (a directory, too large) already say what they are.
 */
export function readFailure(read: { code: string; reason: string }): string {
  if (read.code === 'ENOENT') return 'no such file (ENOENT): check the path';
  if (read.code === 'EACCES' || read.code === 'EPERM') return `${NOT_READABLE} (${read.code}): fix its owner or mode, or run as a user who may read it`;
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
