import { usageError } from './errors.js';

export interface WholeNumberSetting {
  /** The environment variable. */
  name: string;
  /** What the number is, for the message: `a lock timeout`. */
  what: string;
  /** The unit after "a whole number", if any: ` of milliseconds`. */
  unit?: string;
  min: number;
  max: number;
  /** How to set it right (the error's hint). */
  hint: string;
}

/**
 * A whole-number setting from the environment: undefined when unset or empty (the default
 * applies), the number when it is a whole number from `min` to `max`, else a usage error naming
 * the variable and what it takes. A typo (`10s`, `-1`, `abc`) used to fall back to the default
 * without a word. runProgram (action.ts) checks every such setting before any command.
 */
export function wholeNumberFromEnv(setting: WholeNumberSetting, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env[setting.name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  if (Number.isInteger(n) && n >= setting.min && n <= setting.max) return n;
  throw usageError(
    'env-invalid',
    `${setting.name}=${JSON.stringify(v)} is not ${setting.what}: it must be a whole number${setting.unit ?? ''} from ${setting.min} to ${setting.max}`,
    setting.hint,
  );
}
