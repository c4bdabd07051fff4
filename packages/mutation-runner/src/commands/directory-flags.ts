/**
 * The flags naming a directory mutation-runner writes into (or, for --target-root, installs
 * into), each with the rest of its hint. A value on /proc, /sys or another kernel pseudo-file
 * system is refused before any work (core adapters/pseudo-fs.ts). The memory directory is checked
 * where it is resolved, whatever chose it (core ledger/paths.ts).
 */
export const WRITTEN_DIRECTORIES: Readonly<Record<string, string>> = {
  '--work-dir': 'e.g. /var/tmp, or leave it out for the system temp dir',
  '--out-dir': 'or leave it out for <genome>/mutations/pending',
  '--proposals-dir': 'or leave it out for <genome>/mutations/pending',
  '--target-root': 'the mount point of the installed system, e.g. /mnt',
};
