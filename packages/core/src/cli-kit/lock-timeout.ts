import { wholeNumberFromEnv } from './env-number.js';

export const LOCK_TIMEOUT_ENV = 'AUTOPOIETIC_LOCK_TIMEOUT_MS';
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** The longest delay a Node timer takes: a longer setTimeout fires after 1 ms instead. */
export const MAX_LOCK_TIMEOUT_MS = 2_147_483_647;

/**
 * AUTOPOIETIC_LOCK_TIMEOUT_MS, the wait for a ledger lock: a whole number of milliseconds from 0
 * to MAX_LOCK_TIMEOUT_MS, or undefined when unset or empty (the default applies); anything else
 * is a usage error naming the variable. runProgram checks it before every command of every CLI,
 * so a gate never meets it after its work, at its first append.
 */
export function lockTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return wholeNumberFromEnv(
    {
      name: LOCK_TIMEOUT_ENV,
      what: 'a lock timeout',
      unit: ' of milliseconds',
      min: 0,
      max: MAX_LOCK_TIMEOUT_MS,
      hint: `Set it to, for example, ${LOCK_TIMEOUT_ENV}=30000 (30 s), or unset it for the default of ${DEFAULT_LOCK_TIMEOUT_MS} ms.`,
    },
    env,
  );
}
