import type { Command, Option } from 'commander';
import { usageError } from '@autopoietic/core/cli-kit';

/**
 * A flag that takes one value, given twice, is a usage error (exit 2). Commander keeps the last
 * value silently, so `ledger verify --path a --path b` verified only b and said ok, and
 * `append --goal x --goal y` recorded y. Flags with their own parser are left alone: the
 * repeatable ones collect every value. Applied to every command of the program.
 */
export function refuseRepeatedFlags(cmd: Command): void {
  for (const opt of cmd.options as readonly Option[]) {
    if (opt.parseArg || (!opt.required && !opt.optional)) continue; // own parser, or a switch
    let first: string | undefined;
    opt.parseArg = <T>(value: string): T => {
      if (first !== undefined) {
        throw usageError('flag-repeated', `${opt.long ?? opt.flags} was given twice (${JSON.stringify(first)}, then ${JSON.stringify(value)}); it takes one value`, `Pass ${opt.long ?? opt.flags} once.`);
      }
      first = value;
      return value as T;
    };
  }
  for (const sub of cmd.commands) refuseRepeatedFlags(sub);
}
