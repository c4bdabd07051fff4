import { wholeNumberFromEnv } from './env-number.js';

export const VERIFY_THREADS_ENV = 'AUTOPOIETIC_VERIFY_THREADS';
export const VERIFY_PARALLEL_MIN_BYTES_ENV = 'AUTOPOIETIC_VERIFY_PARALLEL_MIN_BYTES';

/**
 * AUTOPOIETIC_VERIFY_THREADS, the threads of `ledger verify`: a whole number from 1 (more than
 * four per CPU are capped where they are used, ledger/verify.ts), or undefined when unset or
 * empty. `abc` or `0` was ignored without a word.
 */
export function verifyThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return wholeNumberFromEnv(
    { name: VERIFY_THREADS_ENV, what: 'a thread count', min: 1, max: Number.MAX_SAFE_INTEGER, hint: `Set it to, for example, ${VERIFY_THREADS_ENV}=1 (one thread), or unset it for one per CPU.` },
    env,
  );
}

/**
 * AUTOPOIETIC_VERIFY_PARALLEL_MIN_BYTES, the ledger size from which `ledger verify` uses a thread
 * per CPU: a whole number of bytes, or undefined when unset or empty. A value that is not a
 * number turned parallel verify off without a word.
 */
export function verifyParallelMinBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return wholeNumberFromEnv(
    {
      name: VERIFY_PARALLEL_MIN_BYTES_ENV,
      what: 'a size',
      unit: ' of bytes',
      min: 0,
      max: Number.MAX_SAFE_INTEGER,
      hint: `Set it to, for example, ${VERIFY_PARALLEL_MIN_BYTES_ENV}=16777216 (16 MiB), or unset it for that default.`,
    },
    env,
  );
}
