import { AosError } from '../../packages/core/src/cli-kit/errors.js';

/** The AosError `fn` throws; anything else it throws is rethrown, and returning is a failure. */
export function aosErrorOf(fn: () => unknown): AosError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AosError) return e;
    throw e;
  }
  throw new Error('expected an AosError');
}
