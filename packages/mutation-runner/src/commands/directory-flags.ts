import type { Command } from 'commander';

/**
 * The flags naming a directory mutation-runner writes into (or, for --target-root, installs
 * into), each with the rest of its hint. A value on /proc, /sys or another kernel pseudo-file
 * system is refused before any work (core adapters/pseudo-fs.ts).
 */
const WRITTEN_DIRECTORIES: Readonly<Record<string, string>> = {
  '--memory-dir': 'or leave it out for the default (see README "Ledgers")',
  '--work-dir': 'e.g. /var/tmp, or leave it out for the system temp dir',
  '--out-dir': 'or leave it out for <genome>/mutations/pending',
  '--proposals-dir': 'or leave it out for <genome>/mutations/pending',
  '--target-root': 'the mount point of the installed system, e.g. /mnt',
};

/**
 * Checks those flags before each command's action. The hook sits on the command itself, so it
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
