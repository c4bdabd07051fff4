/** The errno code (`ENOSPC`, `EROFS`, …) of an error, or of the first of its causes that has one. */
export function errnoOf(e: unknown): string | undefined {
  for (let cur = e, depth = 0; cur instanceof Error && depth < 8; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && ERRNO.test(code)) return code;
  }
  return undefined;
}

/** An errno name (ENOSPC, E2BIG): not Node's own codes (ERR_FS_FILE_TOO_LARGE) nor undici's (UND_ERR_SOCKET). */
const ERRNO = /^E[A-Z0-9]+$/;

/**
 * The errnos that say a write found no room: the file system is full, the user's quota is used
 * up, or the process reached its file-size limit. One list for every writer that names the cause
 * (ledger appends, candidate copies, check and generator logs).
 */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** True when `e` (an error, or an errno code) says the write found no room (see NO_ROOM). */
export function isNoRoom(e: unknown): boolean {
  const code = typeof e === 'string' ? e : errnoOf(e);
  return code !== undefined && NO_ROOM.has(code);
}

/** The errnos that say this user may not do it (a mode, an owner, a security module). */
export type DeniedErrno = 'EACCES' | 'EPERM';

/** The errno of `e` when it says permission was denied (EACCES, EPERM), else undefined. */
export function deniedErrno(e: unknown): DeniedErrno | undefined {
  const code = typeof e === 'string' ? e : errnoOf(e);
  return code === 'EACCES' || code === 'EPERM' ? code : undefined;
}
