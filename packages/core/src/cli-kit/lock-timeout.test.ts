import { describe, expect, it } from 'vitest';
import { lockTimeoutFromEnv, MAX_LOCK_TIMEOUT_MS } from './lock-timeout.js';

const env = (v: string | undefined) => (v === undefined ? {} : { AUTOPOIETIC_LOCK_TIMEOUT_MS: v });

describe('lockTimeoutFromEnv', () => {
  it('takes a whole number of milliseconds, and unset or empty as the default', () => {
    expect(lockTimeoutFromEnv(env(undefined))).toBeUndefined();
    expect(lockTimeoutFromEnv(env(''))).toBeUndefined();
    expect(lockTimeoutFromEnv(env('0'))).toBe(0);
    expect(lockTimeoutFromEnv(env(' 300 '))).toBe(300);
    expect(lockTimeoutFromEnv(env(String(MAX_LOCK_TIMEOUT_MS)))).toBe(MAX_LOCK_TIMEOUT_MS);
  });

  // Each of these used to fall back to 10 s without a word.
  it.each(['10s', 'abc', '-1', '1.5', '1e400', String(MAX_LOCK_TIMEOUT_MS + 1), 'NaN', 'Infinity'])('refuses %j as a usage error naming the variable', (v) => {
    expect(() => lockTimeoutFromEnv(env(v))).toThrow(
      expect.objectContaining({ code: 'env-invalid', exit: 2, message: `AUTOPOIETIC_LOCK_TIMEOUT_MS=${JSON.stringify(v)} is not a lock timeout: it must be a whole number of milliseconds from 0 to ${MAX_LOCK_TIMEOUT_MS}` }),
    );
  });
});
