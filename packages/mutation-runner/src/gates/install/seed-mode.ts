/**
 * The permission-bit rule of install-verify (and of install-apply's "already installed" probe).
 *
 * The reference compared hashes only, so a seed file anyone could rewrite (0666) was `matched`.
 * When the manifest gives a `mode`, the file's permission bits (`mode & 0o7777` of the opened
 * descriptor) must equal it. One exception: a file reached through a symlink inside the target
 * root is the link target's, which install-apply never writes (on NixOS, /etc/static leads into
 * the read-only store, where every file is 0444); there a mode that grants nothing beyond the
 * manifest's is accepted, and one that grants more is not.
 */

/** `mode & 0o7777` as four octal digits (`0644`, `4755`). */
export function permissionBits(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}

export type ModeCheck =
  /** `stricter`: reached through a symlink, with fewer bits than the manifest's (accepted). */
  | { status: 'matched'; stricter: boolean }
  | { status: 'mismatched' };

/** How a seed file's mode (from fstat) compares with the manifest's `expected` (`0644`). */
export function checkMode(expected: string, actualMode: number, throughSymlink: boolean): ModeCheck {
  const want = Number.parseInt(expected, 8);
  const have = actualMode & 0o7777;
  if (have === want) return { status: 'matched', stricter: false };
  if (throughSymlink && (have & ~want) === 0) return { status: 'matched', stricter: true };
  return { status: 'mismatched' };
}
