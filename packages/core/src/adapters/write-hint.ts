/**
 * Where a write failed, as its hint names it. The ONE list of errno hints for failed writes:
 * the memory directory's (ledger appends, lock owner files, check and generator logs, through
 * ledger/io-hint.ts), every file core's fs-safe writes (--output, evidence bundles, seed files)
 * and every directory its makeDirs creates (--out-dir, --work-dir, the parents of --output).
 */
export interface WritePlace {
  /** How the directory written into is named: `the memory directory`, or its path. */
  dir: string;
  /** The file being written, when known: only then can a missing or blocking path be named. */
  file?: string | undefined;
  /**
   * For ENOTDIR: the existing non-directory on the file's path, when the caller found it. For
   * EEXIST (a mkdir): the non-directory that has the name; without it EEXIST says nothing here.
   */
  inTheWay?: string | undefined;
  /** How to write elsewhere instead: `point --memory-dir (…) at a writable one`. */
  elsewhere?: string | undefined;
}

/**
 * The hint for a write that failed with errno `code` at `place`, or undefined when the errno says
 * nothing this list knows (the caller then says the errno as is, or its own fallback).
 */
export function writeHint(code: string | undefined, place: WritePlace): string | undefined {
  const { dir, file } = place;
  const orElsewhere = `, or ${place.elsewhere ?? 'write to another directory'}`;
  switch (code) {
    case 'ENOSPC':
      return `The file system holding ${dir} is full (ENOSPC): free space there (\`df\` names it), then retry.`;
    case 'EDQUOT':
      return "This user's disk quota is used up (EDQUOT): free space or raise the quota, then retry.";
    case 'EFBIG':
      return "The file reached the largest size this process may write (EFBIG): raise the file-size limit (`ulimit -f`, or the service's LimitFSIZE=), then retry.";
    case 'EROFS':
      return `${capitalized(dir)} is on a read-only file system (EROFS): remount it read-write${orElsewhere}.`;
    case 'EACCES':
    case 'EPERM':
      return `This user may not write there (${code}): fix ${dir}'s owner or mode${orElsewhere}.`;
    case 'ENOENT':
      return file === undefined ? undefined : `There is no directory ${dir} (ENOENT): create it (\`mkdir -p\`)${orElsewhere}.`;
    case 'ENOTDIR':
      if (file === undefined) return undefined;
      return `${place.inTheWay ?? `A part of ${file}`} is not a directory (ENOTDIR), so ${file} cannot be made under it: move it out of the way${orElsewhere}.`;
    case 'EEXIST':
      // Only a mkdir's EEXIST is a cause to name; a create-new file's is the caller's own error.
      return place.inTheWay === undefined ? undefined : `${place.inTheWay} exists and is not a directory (EEXIST): move it out of the way${orElsewhere}.`;
    case 'EISDIR':
      return file === undefined ? undefined : `${file} is a directory (EISDIR): name a file in it, or remove the directory.`;
    default:
      return undefined;
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
