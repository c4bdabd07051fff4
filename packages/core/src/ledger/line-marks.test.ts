import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from './append.js';
import { verifyLedger } from './verify.js';

async function ledgerLines(n: number): Promise<{ file: string; lines: string[] }> {
  const file = join(tempDir(), 'mutations.jsonl');
  for (let i = 1; i <= n; i++) await appendRecord(file, 'mutation', mutationRecord({ goal: `goal ${i}` }));
  return { file, lines: readFileSync(file, 'utf8').trimEnd().split('\n') };
}

describe('line marks in verify', () => {
  it('a converted line that also breaks the schema gets both problems, and no chain problem for the line before', async () => {
    const { file, lines } = await ledgerLines(4);
    lines[1] = `${lines[1]!}\r`;
    lines[2] = `${lines[2]!.replace('"status":"pending"', '"status":"done"')}\r`;
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await verifyLedger(file);
    expect(r.problems.map((p) => [p.line, p.kind])).toEqual([[2, 'edited'], [3, 'edited'], [3, 'schema']]);
    expect(r.problems[0]!.message).toMatch(/^line 2 ends with CR LF, but the tools write LF only/);
  });

  it('a BOM after blank lines is named with its own line number in the fix', async () => {
    const { file, lines } = await ledgerLines(2);
    writeFileSync(file, `\n\n\uFEFF${lines.join('\n')}\n`);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 3, kind: 'malformed', message: expect.stringContaining("sed -i '3s/^\\xEF\\xBB\\xBF//'") })]);
  });

  it('an append after a BOM line that follows blank lines names that line', async () => {
    const { file, lines } = await ledgerLines(1);
    writeFileSync(file, `\n\n\uFEFF${lines[0]}\n\n`);
    await expect(appendRecord(file, 'mutation', mutationRecord())).rejects.toMatchObject({ code: 'ledger-byte-order-mark', message: expect.stringContaining('line 3 starts with a byte-order mark') });
  });
});
