import { describe, expect, it } from 'vitest';
import { isLeftoverStaging, MAX_ID_LENGTH, stagingName, stagingOwner } from './staging.js';

// Staging names and the leftover rule on names and times alone; the e2e test runs the sweep on
// real directories left by a killed process.

const HOUR = 3600_000;

describe('staging names', () => {
  it('hold the writer pid, read back from the right whatever the mutation id holds', () => {
    const name = stagingName('mut-1.staging-77-0123456789ab', 4194304);
    expect(name).toMatch(/^\.mut-1\.staging-77-0123456789ab\.staging-4194304-[0-9a-f]{12}$/);
    expect(stagingOwner(name)).toBe(4194304);
    expect(stagingOwner('.mut-1.staging-0123456789ab')).toBe('legacy');
    expect(stagingOwner('.mut-1-0123456789ab.staging-0123456789ab')).toBe('legacy');
    for (const other of ['mut-1', '.mut-1.staging-', '.mut-1.staging-12-0123', '.mut-1.staging-012-0123456789ab', '..staging-1-0123456789ab', '.x.staging-12345678901-0123456789ab']) {
      expect(stagingOwner(other)).toBeUndefined();
    }
  });

  it('fit in one file name for the longest mutation id and any 32-bit pid', () => {
    expect(Buffer.byteLength(stagingName('m'.repeat(MAX_ID_LENGTH), 4294967295))).toBe(255);
  });
});

describe('isLeftoverStaging', () => {
  const now = Date.now();
  it('is true for a dead writer, false for a live one or this process', () => {
    expect(isLeftoverStaging(stagingName('m', 2 ** 22 + 1), now, now)).toBe(true); // above Linux's pid limit: no such process
    expect(isLeftoverStaging(stagingName('m', process.ppid), now, now)).toBe(false);
    expect(isLeftoverStaging(stagingName('m'), now - 2 * HOUR, now)).toBe(false);
  });

  it('goes by age alone for the older naming, and past an hour for any (pids are reused)', () => {
    expect(isLeftoverStaging('.m.staging-0123456789ab', now - HOUR + 1000, now)).toBe(false);
    expect(isLeftoverStaging('.m.staging-0123456789ab', now - HOUR - 1000, now)).toBe(true);
    expect(isLeftoverStaging(stagingName('m', process.ppid), now - HOUR - 1000, now)).toBe(true);
    expect(isLeftoverStaging('.m.staging-notours', 0, now)).toBe(false);
  });
});
