import { resolve } from 'node:path';
import type { Command } from 'commander';
import { pseudoFileSystemProblem } from '../adapters/pseudo-fs.js';
import { AosError } from './errors.js';

/**
 * Checks, before each command's action, the flags naming a directory the CLI writes into:
 * `remedies` maps each such flag to the rest of its hint (`e.g. /var/tmp`, `or leave it out for
 * …`), and a value on /proc, /sys or another kernel pseudo-file system is refused (adapters
 * pseudo-fs.ts). The hook sits on each command, so it runs after runProgram's own checks (a
 * missing working directory, a blank flag are refused first).
 */
export function guardWrittenDirectories(parent: Command, remedies: Readonly<Record<string, string>>): void {
  for (const cmd of parent.commands) {
    guardWrittenDirectories(cmd, remedies);
    if (!cmd.options.some((o) => o.long !== undefined && o.long in remedies)) continue;
    cmd.hook('preAction', (self) => refuseDirectoryFlagsOnPseudoFs(self, remedies));
  }
}

/** What a CLI reads of a parsed command to check its directory flags (commander's Command has it). */
export interface DirectoryFlagSource {
  readonly options: readonly { readonly long?: string | undefined; attributeName(): string }[];
  getOptionValue(key: string): unknown;
}

/**
 * Refuses (usage error, exit 2) each flag of `cmd` named in `remedies` whose directory is on a
 * kernel pseudo-file system: the directories a command writes into (--work-dir, --out-dir …;
 * the memory directory is checked where it is resolved, ledger/paths.ts). Nothing can be made
 * there, and each failed only when first written, with a raw errno (ENOENT under /proc, EPERM
 * under /sys) and after the work. `remedies` maps each flag to the rest of its hint (`e.g.
 * /var/tmp`, `or leave it out for …`). Relative values are resolved against the working
 * directory, as every flag's value is. The one message for all of them.
 */
export function refuseDirectoryFlagsOnPseudoFs(cmd: DirectoryFlagSource, remedies: Readonly<Record<string, string>>): void {
  for (const option of cmd.options) {
    const remedy = option.long === undefined ? undefined : remedies[option.long];
    const value = cmd.getOptionValue(option.attributeName());
    if (remedy === undefined || typeof value !== 'string') continue;
    const dir = resolve(value);
    const problem = pseudoFileSystemProblem(dir);
    if (problem) throw new AosError('directory-on-pseudo-fs', `${option.long} ${dir} ${problem}`, { exit: 2, hint: `Give ${option.long} a directory on a disk or a tmpfs, ${remedy}.` });
  }
}
