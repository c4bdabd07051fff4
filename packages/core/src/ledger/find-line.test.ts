import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { findRecordLine } from './find-line.js';

const ledger = (lines: string[]) => {
  const file = join(tempDir(), 'mutation-results.jsonl');
  writeFileSync(file, lines.map((l) => `${l}\n`).join(''));
  return file;
};

describe('findRecordLine', () => {
  it('finds the line by verification_id or promotion_id, without schema checks', async () => {
    const file = ledger(['{"verification_id":"ver-1","x":1}', '', '{"promotion_id":"pro-2","mentions":"ver-1"}']);
    expect(await findRecordLine(file, 'ver-1')).toEqual({ status: 'found', line: 1, value: { verification_id: 'ver-1', x: 1 } });
    expect(await findRecordLine(file, 'pro-2')).toMatchObject({ status: 'found', line: 3 });
  });

  it('a missing file or id is missing; a repeated id or a broken line naming it is damaged', async () => {
    expect(await findRecordLine(join(tempDir(), 'none.jsonl'), 'ver-1')).toMatchObject({ status: 'missing', reason: expect.stringMatching(/does not exist/) });
    expect(await findRecordLine(ledger(['{"verification_id":"ver-2"}']), 'ver-1')).toMatchObject({ status: 'missing', reason: expect.stringMatching(/no line .* carries id ver-1/) });
    expect(await findRecordLine(ledger(['{"verification_id":"ver-1"}', '{"verification_id":"ver-1"}']), 'ver-1')).toMatchObject({ status: 'damaged', reason: expect.stringMatching(/2 lines .* \(lines 1, 2\)/) });
    expect(await findRecordLine(ledger(['{"verification_id":"ver-1",']), 'ver-1')).toMatchObject({ status: 'damaged', reason: expect.stringMatching(/line 1 .* not a JSON object/) });
  });
});
