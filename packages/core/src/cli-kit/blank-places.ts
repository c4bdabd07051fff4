import type { Command } from 'commander';
import { AosError } from './errors.js';

/** The value placeholders (`--proposal <file>`, `--project-root <dir...>`, `--target-root <abs-path>`) of flags that name a place. */
const PLACE = /[<[](file|dir|path|abs-path)(\.\.\.)?[>\]]/;

/**
 * Refuses (exit 2) a flag that names a file or directory but was given '' or blanks, before the
 * command runs. Resolved, '' is the working directory: `verify --proposal ''` read it as the
 * proposal and journaled an errored run, and `--output ''` aimed at it. Every command of every
 * CLI gets this check from runProgram, by the placeholder its flag is declared with.
 */
export function refuseBlankPlaces(cmd: Command): void {
  const values = cmd.opts();
  for (const opt of cmd.options) {
    if (!PLACE.test(opt.flags)) continue;
    const value: unknown = values[opt.attributeName()];
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string' || v.trim() !== '') continue;
      const flag = opt.long ?? opt.flags;
      // The wording of core's nonBlank (ledger/paths.ts) for the same refusal of --memory-dir.
      throw new AosError('flag-blank', `${flag} must not be empty`, {
        exit: 2,
        hint: opt.mandatory ? `Give ${flag} a path.` : `Give ${flag} a path, or leave it out for its default.`,
      });
    }
  }
}
