import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from './append.js';
import { checkpointLedger } from './checkpoint.js';
import { checkpointPathFor } from './paths.js';
import { loadRecords } from './read.js';

/** A ledger of three records, checkpointed at seq 3, then cut back to its first two lines. */
async function truncatedLedger(): Promise<string> {
  const file = join(tempDir(), 'mutations.jsonl');
  for (const goal of ['one', 'two', 'three']) await appendRecord(file, 'mutation', mutationRecord({ goal }));
  await checkpointLedger(file, 'mutation');
  const lines = readFileSync(file, 'utf8').split('\n');
  writeFileSync(file, `${lines.slice(0, 2).join('\n')}\n`);
  return file;
}

describe('appendRecord on a ledger cut shorter than its checkpoint', () => {
  it('refuses, naming both seqs and the remedy, and writes nothing (it chained on at seq 3)', async () => {
    const file = await truncatedLedger();
    const before = readFileSync(file);
    await expect(appendRecord(file, 'mutation', mutationRecord({ goal: 'after' }))).rejects.toMatchObject({
      code: 'ledger-truncated',
      message: expect.stringContaining(`ends at seq 2, but its checkpoint ${checkpointPathFor(file)} records seq 3`),
      hint: expect.stringContaining('move the checkpoint aside'),
    });
    expect(readFileSync(file)).toEqual(before);
  });

  it('appends again once the checkpoint is moved aside and a new one taken, as the hint says', async () => {
    const file = await truncatedLedger();
    renameSync(checkpointPathFor(file), `${checkpointPathFor(file)}.old`);
    await checkpointLedger(file, 'mutation');
    const stored = await appendRecord(file, 'mutation', mutationRecord({ goal: 'after' }));
    expect(stored.chain.seq).toBe(3);
    expect((await loadRecords(file, 'mutation')).map((r) => (r as { goal: string }).goal)).toEqual(['one', 'two', 'after']);
  });

  it('leaves a checkpoint it cannot read to ledger verify, instead of blocking every append', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord({ goal: 'one' }));
    writeFileSync(checkpointPathFor(file), '{ not json');
    expect((await appendRecord(file, 'mutation', mutationRecord({ goal: 'two' }))).chain.seq).toBe(2);
  });
});
