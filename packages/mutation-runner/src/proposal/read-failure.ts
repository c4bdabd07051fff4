import { NOT_READABLE } from '@autopoietic/core/vocab';

/**
 * A failed read of a file a flag names (a proposal, its patch, an install plan, a --self-state,
 * a --policy file), in words and with what to do: the bare code ("failed to read proposal …:
 * ENOENT", "…: EACCES") was all the record's reason said, and so all a CI log showed. Other
 * failures (a directory, too large) already say what they are.
 */
export function readFailure(read: { code: string; reason: string }): string {
  if (read.code === 'ENOENT') return 'no such file (ENOENT): check the path';
  if (read.code === 'EACCES' || read.code === 'EPERM') return `${NOT_READABLE} (${read.code}): fix its owner or mode, or run as a user who may read it`;
  return read.reason;
}
