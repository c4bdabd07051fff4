import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord, checkAppendable } from './append.js';
import { lineDigest } from './chain.js';
import { verifyLedger } from './verify.js';

// Append reads the head of a ledger it did not just write itself from the end of the file, and
// refuses a last record that does not link to the record before it: chained onto, the break
// would end up in the middle of the file. (It used to check only that the last line was a
// complete, chained record.)

/** A ledger of records with these goals, then its lines changed by `edit` (each edit changes the file's size). */
async function ledger(goals: string[], edit: (lines: string[]) => string[]): Promise<{ file: string; lines: string[] }> {
  const file = join(tempDir(), 'mutations.jsonl');
  for (const goal of goals) await appendRecord(file, 'mutation', mutationRecord({ goal }));
  const lines = edit(readFileSync(file, 'utf8').trimEnd().split('\n'));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, lines };
}

const digest = (line: string) => lineDigest(Buffer.from(line));

describe('appendRecord on a ledger whose last link is broken', () => {
  it.each([
    [
      'the line before the last edited',
      ['one', 'two', 'three'],
      (ls: string[]) => [ls[0]!, ls[1]!.replace('"goal":"two"', '"goal":"2"'), ls[2]!],
      (ls: string[]) => `the last record (line 3, seq 3) records prev ${JSON.parse(ls[2]!).chain.prev}, but line 2 before it hashes to ${digest(ls[1]!)}: line 2 was changed after it was chained, or the last line was written by hand`,
    ],
    ['the line before the last deleted', ['one', 'two', 'three'], (ls: string[]) => [ls[0]!, ls[2]!], () => 'the last record (line 2, seq 3) has seq 3, but line 1 before it has seq 1'],
    ['the line before the last made unreadable', ['one', 'two', 'three'], (ls: string[]) => [ls[0]!, 'not json', ls[2]!], () => 'the last record (line 3, seq 3) follows line 2, which is not a chained ledger record'],
    ['every line before the last deleted', ['one', 'two'], (ls: string[]) => [ls[1]!], () => 'the last record (line 1, seq 2) has no record before it, but seq 2: the lines before it were removed'],
    ['a copy of the first line appended by hand', ['one', 'two'], (ls: string[]) => [...ls, ls[0]!], () => 'the last record (line 3, seq 1) has seq 1, but line 2 before it has seq 2'],
  ])('refuses with %s, naming the lines, and writes nothing', async (_what, goals, edit, says) => {
    const { file, lines } = await ledger(goals, edit);
    expect((await verifyLedger(file)).status, 'verify calls it broken too').toBe('broken');
    const before = readFileSync(file);
    const refusal = {
      code: 'ledger-chain-broken',
      message: `ledger ${file}: ${says(lines)}: refusing to append after it`,
      hint: expect.stringContaining(`See what changed with \`mutation-journal ledger verify --path ${file}\``),
    };
    await expect(checkAppendable(file)).rejects.toMatchObject(refusal);
    await expect(appendRecord(file, 'mutation', mutationRecord({ goal: 'after' }))).rejects.toMatchObject(refusal);
    expect(readFileSync(file)).toEqual(before);
  });

  it('appends to a healthy ledger it did not write, blank lines between records included', async () => {
    const { file, lines } = await ledger(['one', 'two'], (ls) => [ls[0]!, '', '  ', ls[1]!, '']);
    const stored = await appendRecord(file, 'mutation', mutationRecord({ goal: 'three' }));
    expect(stored.chain).toEqual({ seq: 3, prev: digest(lines[3]!) });
    expect((await verifyLedger(file)).status).toBe('ok');
  });

  it('appends after a single record that starts the chain', async () => {
    const { file } = await ledger(['one'], (ls) => ['', ...ls]);
    await expect(checkAppendable(file)).resolves.toBeUndefined();
    expect((await appendRecord(file, 'mutation', mutationRecord())).chain.seq).toBe(2);
  });
});
