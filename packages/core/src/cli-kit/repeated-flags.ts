import type { Command, Option } from 'commander';
import { usageError } from './errors.js';

/**
 * A flag that takes one value, given twice, is a usage error (exit 2). Commander keeps the last
 * value silently, so `ledger verify --path a --path b` verified only b and said ok, and
 * `verify --proposal a --proposal b` verified b. A flag with a list of choices is checked too:
 * commander's parser for it only checks the value, so `append --status failed --status accepted`
 * journaled accepted. Flags with a parser of their own (the repeatable ones collect every
 * value), variadic flags and switches are left alone. runProgram applies this to every command
 * of every CLI.
 */
export function refuseRepeatedFlags(cmd: Command): void {
  for (const opt of cmd.options as readonly Option[]) {
    if ((opt.parseArg && !opt.argChoices) || opt.variadic || (!opt.required && !opt.optional)) continue;
    const name = opt.attributeName();
    const flag = opt.long ?? opt.flags;
    const own = opt.parseArg; // the choices check, kept
    // The value's source is 'cli' once the flag has been seen on the command line (a default or
    // an environment value before it is not a repeat).
    opt.parseArg = <T>(value: string, previous: unknown): T => {
      if (cmd.getOptionValueSource(name) === 'cli') {
        throw usageError('flag-repeated', `${flag} was given twice (${JSON.stringify(previous)}, then ${JSON.stringify(value)}); it takes one value`, `Pass ${flag} once.`);
      }
      return own ? own(value, previous as T) : (value as T);
    };
  }
  for (const sub of cmd.commands) refuseRepeatedFlags(sub);
}
