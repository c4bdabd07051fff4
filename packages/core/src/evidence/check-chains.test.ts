import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from '../ledger/append.js';
import { checkChains } from './check-chains.js';

/** A real three-line ledger written by the ledger's own appender. */
async function ledger(): Promise<string> {
  const file = join(tempDir('aos-chains-'), 'mutations.jsonl');
  for (const goal of ['one', 'two', 'three']) await appendRecord(file, 'mutation', mutationRecord({ goal }));
  return file;
}

function editLine(file: string, no: number, from: string, to: string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[no - 1] = lines[no - 1]!.replace(from, to);
  writeFileSync(file, lines.join('\n'));
}

describe('checkChains', () => {
  it('matches a ledger whose chain verifies up to the cited line, naming where it was read', async () => {
    const file = await ledger();
    expect(await checkChains([{ ledger: '/old/mutations.jsonl', readFrom: file, line: 2 }])).toEqual([
      { id: 'ledger:/old/mutations.jsonl', ledger: '/old/mutations.jsonl', read_from: file, up_to_line: 2, status: 'matched', reason: 'the hash chain verifies from line 1 to line 2, the last cited record' },
    ]);
  });

  it('fails a line edited before the cited one, and leaves a problem after it to ledger verify', async () => {
    const file = await ledger();
    editLine(file, 2, '"goal":"two"', '"goal":"TWO"');
    const [before] = await checkChains([{ ledger: file, readFrom: file, line: 3 }]);
    expect(before).toMatchObject({ id: `ledger:${file}`, status: 'differs', up_to_line: 3, problems: [{ line: 2, kind: 'edited' }] });
    expect(before!.reason).toBe(`the hash chain of ${file} is broken at or before line 3, the last cited record: ${file}:2: edited: ${before!.problems![0]!.message}`);
    expect(before).not.toHaveProperty('read_from');
    expect(await checkChains([{ ledger: file, readFrom: file, line: 1 }])).toMatchObject([{ status: 'matched', up_to_line: 1 }]);
  });

  it('does not match a ledger it cannot verify (a damaged checkpoint): missing, with the cause', async () => {
    const file = await ledger();
    writeFileSync(`${file}.checkpoint.json`, '{');
    const [item] = await checkChains([{ ledger: file, readFrom: file, line: 2 }]);
    expect(item).toMatchObject({ status: 'missing', reason: expect.stringMatching(new RegExp(`^the hash chain of ${file} cannot be verified: the ledger checkpoint ${file}\\.checkpoint\\.json is invalid`)) });
  });
});
