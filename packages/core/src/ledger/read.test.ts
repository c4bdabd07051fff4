import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from './append.js';
import { loadRecords, readRecords, type SkippedLine } from './read.js';
import { verifyLedger } from './verify.js';

async function ledger(n: number): Promise<string> {
  const file = join(tempDir(), 'mutations.jsonl');
  for (let i = 1; i <= n; i++) await appendRecord(file, 'mutation', mutationRecord({ goal: `goal ${i}` }));
  return file;
}

describe('readRecords / loadRecords', () => {
  it('names a ledger that holds only a byte-order mark (an editor made it empty), not a torn append', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, Buffer.from([0xef, 0xbb, 0xbf]));
    await expect(loadRecords(file, 'mutation')).rejects.toMatchObject({ code: 'ledger-byte-order-mark' });
  });

  it('names a ledger read as another kind as the wrong file, where `ledger verify` of it would report it ok', async () => {
    const file = await ledger(1);
    const refused = loadRecords(file, 'organ');
    await expect(refused).rejects.toMatchObject({ code: 'ledger-record-invalid', hint: "That file name is the mutation ledger's: point the ledger option at the organ ledger instead." });
    const renamed = join(tempDir(), 'organs-copy.jsonl');
    writeFileSync(renamed, readFileSync(file));
    await expect(loadRecords(renamed, 'organ')).rejects.toMatchObject({ hint: expect.stringContaining('ledger verify --path') });
  });

  it('reads a missing ledger as empty', async () => {
    expect(await loadRecords(join(tempDir(), 'nope', 'mutations.jsonl'), 'mutation')).toEqual([]);
  });

  it('streams records with their physical line numbers, skipping blank lines', async () => {
    const file = await ledger(3);
    const [a, b, c] = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `\n${a}\n \t\n${b}\n\n${c}\n\n`);
    const seen: Array<[number, string]> = [];
    for await (const { line, record } of readRecords(file, 'mutation')) seen.push([line, record.goal]);
    expect(seen).toEqual([
      [2, 'goal 1'],
      [4, 'goal 2'],
      [6, 'goal 3'],
    ]);
  });

  it('names file and line of a malformed line', async () => {
    const file = await ledger(3);
    const ls = readFileSync(file, 'utf8').trimEnd().split('\n');
    ls[1] = '{oops';
    writeFileSync(file, `${ls.join('\n')}\n`);
    await expect(loadRecords(file, 'mutation')).rejects.toMatchObject({ code: 'ledger-malformed', message: `${file}:2: line is not valid JSON` });
  });

  it('names file and line of a record that does not match the schema', async () => {
    const file = await ledger(2);
    await expect(loadRecords(file, 'effect')).rejects.toMatchObject({ code: 'ledger-record-invalid', message: expect.stringContaining(`${file}:1: not a valid effect record`) });
  });

  it('refuses a line without a chain link', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, `${JSON.stringify(mutationRecord())}\n`);
    await expect(loadRecords(file, 'mutation')).rejects.toMatchObject({ message: expect.stringContaining(`${file}:1: line has no valid \`chain\``) });
  });

  it('skips a torn final line by default and refuses it on request', async () => {
    const file = await ledger(2);
    writeFileSync(file, '{"schema_version":"0.1.0","mut', { flag: 'a' });
    expect(await loadRecords(file, 'mutation')).toHaveLength(2);
    await expect(loadRecords(file, 'mutation', { tornTail: 'error' })).rejects.toMatchObject({ code: 'ledger-torn-tail', message: expect.stringContaining(`${file}:3`) });
  });

  it('hands a skipped torn tail to `skipped` (also when quiet), so a command can say its view is incomplete', async () => {
    const file = await ledger(2);
    writeFileSync(file, '{"schema_version":"0.1.0","mut', { flag: 'a' });
    for (const quiet of [false, true]) {
      const skipped: SkippedLine[] = [];
      expect(await loadRecords(file, 'mutation', { skipped, quiet })).toHaveLength(2);
      expect(skipped).toEqual([{ ledger: file, line: 3, kind: 'torn-tail', message: expect.stringContaining(`${file}: line 3, a torn final line`) }]);
      expect(skipped[0]!.message).toContain(`mutation-journal ledger repair --path ${file}`);
    }
    const intact = await ledger(1);
    const none: SkippedLine[] = [];
    await loadRecords(intact, 'mutation', { skipped: none });
    expect(none).toEqual([]);
  });

  it('treats an unparsable line as torn only when it is the last non-blank line', async () => {
    const file = await ledger(1);
    writeFileSync(file, '{"half\n\n', { flag: 'a' });
    expect(await loadRecords(file, 'mutation')).toHaveLength(1);
    writeFileSync(file, `${readFileSync(file, 'utf8')}${JSON.stringify({ later: true })}\n`);
    await expect(loadRecords(file, 'mutation')).rejects.toMatchObject({ message: expect.stringContaining(`${file}:2:`) });
  });

  it('reads lines that span read chunks', async () => {
    const file = await ledger(1);
    await appendRecord(file, 'mutation', mutationRecord({ reason: 'r'.repeat(3 * 1024 * 1024) }));
    await appendRecord(file, 'mutation', mutationRecord({ goal: 'after' }));
    const recs = await loadRecords(file, 'mutation');
    expect(recs.map((r) => r.chain.seq)).toEqual([1, 2, 3]);
    expect(recs[1]!.reason).toHaveLength(3 * 1024 * 1024);
    expect(recs[2]!.goal).toBe('after');
  });
});

describe('a ledger path that is not a ledger file', () => {
  it('is named, with a hint, by every reader (not error[internal] EISDIR without the path)', async () => {
    const dir = tempDir();
    const asDir = join(dir, 'mutations.jsonl');
    mkdirSync(asDir);
    const loop = join(dir, 'loop.jsonl');
    symlinkSync('loop.jsonl', loop);
    const notAFile = { code: 'ledger-not-a-file', message: `ledger ${asDir} is not a regular file (a directory)`, hint: expect.stringContaining('JSONL ledger files') };
    await expect(loadRecords(asDir, 'mutation')).rejects.toMatchObject(notAFile);
    await expect(verifyLedger(asDir, 'mutation')).rejects.toMatchObject(notAFile);
    await expect(loadRecords(loop, 'mutation')).rejects.toMatchObject({ code: 'ledger-unreadable', message: `ledger ${loop} cannot be read (ELOOP)` });
    await expect(verifyLedger('/dev/null', 'mutation')).rejects.toMatchObject({ code: 'ledger-not-a-file' });
  });

  it('is an empty ledger when it does not exist', async () => {
    const missing = join(tempDir(), 'mutations.jsonl');
    expect(await loadRecords(missing, 'mutation')).toEqual([]);
    expect((await verifyLedger(missing, 'mutation')).status).toBe('missing');
  });
});
