import type { Command } from 'commander';

/**
 * The flag naming the directory mutation-journal writes and reads its ledgers in, with the rest
 * of its hint. A value on /proc, /sys or another kernel pseudo-file system is refused before any
 * work (core adapters/pseudo-fs.ts): no ledger can live there, and a reading command read none
 * and exited 0.
 */
const WRITTEN_DIRECTORIES: Readonly<Record<string, string>> = {
  '--memory-dir': 'or leave it out for the default (see README "Ledgers")',
};

/**
 * Checks that flag before each command's action. The hook sits on the command itself, so it
 * runs after runProgram's own (a missing working directory, a blank flag are refused first), and
 * loads core's adapters only then: `--help` stays as light as it was.
 */
export function guardWrittenDirectories(parent: Command): void {
  for (const cmd of parent.commands) {
    guardWrittenDirectories(cmd);
    if (!cmd.options.some((o) => o.long !== undefined && o.long in WRITTEN_DIRECTORIES)) continue;
    cmd.hook('preAction', async (self) => {
      const { refuseDirectoryFlagsOnPseudoFs } = await import('@autopoietic/core/adapters');
      refuseDirectoryFlagsOnPseudoFs(self, WRITTEN_DIRECTORIES);
    });
  }
}
