import type { Command } from 'commander';

/**
 * Checks, before each command's action, the flags naming a directory the CLI writes into:
 * `remedies` maps each such flag to the rest of its hint (`e.g. /var/tmp`, `or leave it out for
 * …`), and a value on /proc, /sys or another kernel pseudo-file system is refused (adapters
 * pseudo-fs.ts). The hook sits on each command, so it runs after runProgram's own checks (a
 * missing working directory, a blank flag are refused first), and loads the adapters only then:
 * `--help` stays as light as it was.
 */
export function guardWrittenDirectories(parent: Command, remedies: Readonly<Record<string, string>>): void {
  for (const cmd of parent.commands) {
    guardWrittenDirectories(cmd, remedies);
    if (!cmd.options.some((o) => o.long !== undefined && o.long in remedies)) continue;
    cmd.hook('preAction', async (self) => {
      const { refuseDirectoryFlagsOnPseudoFs } = await import('../adapters/pseudo-fs.js');
      refuseDirectoryFlagsOnPseudoFs(self, remedies);
    });
  }
}
