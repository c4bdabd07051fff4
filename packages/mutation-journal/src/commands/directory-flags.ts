/**
 * The flag naming the directory mutation-journal writes and reads its ledgers in, with the rest
 * of its hint. A value on /proc, /sys or another kernel pseudo-file system is refused before any
 * work (core cli-kit guardWrittenDirectories): no ledger can live there, and a reading command read none
 * and exited 0.
 */
export const WRITTEN_DIRECTORIES: Readonly<Record<string, string>> = {
  '--memory-dir': 'or leave it out for the default (see README "Ledgers")',
};
