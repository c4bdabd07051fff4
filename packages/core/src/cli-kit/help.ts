import { Help, type Option } from 'commander';

/**
 * The help every program uses (`new Command(...).configureHelp(HELP)`, before its commands are
 * added, so they inherit it). Commander lists a `requiredOption` like any other option, so a
 * user learned that `promote --parent-genome` is required only from the error after running it;
 * here its description ends with "(required)".
 */
export const HELP: Partial<Help> = {
  optionDescription(this: Help, option: Option): string {
    const description = Help.prototype.optionDescription.call(this, option);
    return option.mandatory ? `${description} (required)` : description;
  },
};
