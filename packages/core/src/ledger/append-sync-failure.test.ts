import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from './append.js';
import { lineDigest } from './chain.js';
import { loadRecords } from './read.js';

// A failing fsync (EIO from a dying disk) cannot be produced on demand on a test machine, so this
// file alone replaces node:fs's fsyncSync: it fails the next `failures` calls, then is the real one.
// It also notes the descriptors that failed an fsync and those closed, to see which are dropped.
const sync = vi.hoisted(() => ({ failures: 0, failedFds: [] as number[], closedFds: [] as number[] }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fsyncSync = (fd: number): void => {
    if (sync.failures > 0) {
      sync.failures--;
      sync.failedFds.push(fd);
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO', syscall: 'fsync' });
    }
    fs.fsyncSync(fd);
  };
  const closeSync = (fd: number): void => {
    sync.closedFds.push(fd);
    fs.closeSync(fd);
  };
  return { ...fs, fsyncSync, closeSync, default: { ...fs, fsyncSync, closeSync } };
});

beforeEach(() => {
  sync.failures = 0;
  sync.failedFds = [];
  sync.closedFds = [];
});

describe('appendRecord when fsync fails', () => {
  it('cuts the line back off, says so, and the next append chains to the last stored line', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord({ goal: 'first' }));
    const before = readFileSync(file);
    sync.failures = 1;
    const failed = appendRecord(file, 'mutation', mutationRecord({ goal: 'lost' }));
    await expect(failed).rejects.toMatchObject({ code: 'ledger-io', message: expect.stringMatching(/cannot sync .*EIO.*; the ledger was restored$/) });
    expect(readFileSync(file)).toEqual(before);

    const next = await appendRecord(file, 'mutation', mutationRecord({ goal: 'second' }));
    expect(next.chain).toEqual({ seq: 2, prev: lineDigest(before.subarray(0, before.length - 1)) });
    expect((await loadRecords(file, 'mutation')).map((r) => (r as { goal: string }).goal)).toEqual(['first', 'second']);
  });

  it('drops the descriptor whose fsync failed: the next append opens the ledger afresh', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord({ goal: 'first' }));
    sync.failures = 1;
    sync.closedFds = []; // descriptor numbers are reused: only what the failed append closed counts
    await expect(appendRecord(file, 'mutation', mutationRecord({ goal: 'lost' }))).rejects.toMatchObject({ code: 'ledger-io' });
    expect(sync.failedFds).toHaveLength(1);
    // Kept open, its error state (errseq) would stay with it; closed, the retry gets a new one.
    expect(sync.closedFds).toContain(sync.failedFds[0]);
    await appendRecord(file, 'mutation', mutationRecord({ goal: 'second' }));
    expect((await loadRecords(file, 'mutation')).map((r) => (r as { goal: string }).goal)).toEqual(['first', 'second']);
  });

  it('says when restoring failed as well, instead of claiming the ledger is as it was', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord({ goal: 'first' }));
    sync.failures = 2; // the append's fsync, then the rollback's
    await expect(appendRecord(file, 'mutation', mutationRecord({ goal: 'lost' }))).rejects.toMatchObject({
      code: 'ledger-io',
      message: expect.stringContaining('restoring the ledger failed too: check it with `mutation-journal ledger verify`'),
    });
  });
});
