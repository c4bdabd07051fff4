import { describe, expect, it } from 'vitest';
import { verifyParallelMinBytesFromEnv, verifyThreadsFromEnv } from './verify-env.js';

describe('verifyThreadsFromEnv', () => {
  it('takes a whole number from 1, and unset or empty as the default; a huge count is capped where it is used, not refused', () => {
    expect(verifyThreadsFromEnv({})).toBeUndefined();
    expect(verifyThreadsFromEnv({ AUTOPOIETIC_VERIFY_THREADS: '' })).toBeUndefined();
    expect(verifyThreadsFromEnv({ AUTOPOIETIC_VERIFY_THREADS: '2' })).toBe(2);
    expect(verifyThreadsFromEnv({ AUTOPOIETIC_VERIFY_THREADS: '99999' })).toBe(99999);
  });

  // Each of these was ignored without a word (the default thread count ran).
  it.each(['abc', '0', '-2', '1.5', 'two'])('refuses %j as a usage error naming the variable', (v) => {
    expect(() => verifyThreadsFromEnv({ AUTOPOIETIC_VERIFY_THREADS: v })).toThrow(
      expect.objectContaining({ code: 'env-invalid', exit: 2, message: `AUTOPOIETIC_VERIFY_THREADS=${JSON.stringify(v)} is not a thread count: it must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}` }),
    );
  });
});

describe('verifyParallelMinBytesFromEnv', () => {
  it('takes a whole number of bytes from 0, and unset or empty as the default', () => {
    expect(verifyParallelMinBytesFromEnv({})).toBeUndefined();
    expect(verifyParallelMinBytesFromEnv({ AUTOPOIETIC_VERIFY_PARALLEL_MIN_BYTES: '0' })).toBe(0);
    expect(verifyParallelMinBytesFromEnv({ AUTOPOIETIC_VERIFY_PARALLEL_MIN_BYTES: '1048576' })).toBe(1048576);
  });

  // `16M` turned parallel verify off without a word (Number('16M') is NaN, and no size is >= NaN).
  it.each(['16M', '-1', '1e400'])('refuses %j as a usage error naming the variable', (v) => {
    expect(() => verifyParallelMinBytesFromEnv({ AUTOPOIETIC_VERIFY_PARALLEL_MIN_BYTES: v })).toThrow(
      expect.objectContaining({ code: 'env-invalid', exit: 2, message: expect.stringMatching(/^AUTOPOIETIC_VERIFY_PARALLEL_MIN_BYTES=".*" is not a size: it must be a whole number of bytes from 0 to /) }),
    );
  });
});
