import { appendFileSync, closeSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from './append.js';
import { lineDigest } from './chain.js';
import { verifyLedger } from './verify.js';

// This process keeps the ledgers it appends to open and remembers the head it wrote, reusing it
// only while the file is the same inode and exactly the size it left (open-ledgers.ts). These
// tests change the file between two appends of this process in each way that must not reuse it.

const lastLine = (file: string): string => readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)!;

describe('appendRecord after the ledger changed under this process', () => {
  it('chains on a line another writer appended in between', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord());
    const foreign = JSON.stringify({ ...mutationRecord({ goal: 'from elsewhere' }), chain: { seq: 2, prev: lineDigest(Buffer.from(lastLine(file))) } });
    appendFileSync(file, `${foreign}\n`); // what another process's append leaves
    const next = await appendRecord(file, 'mutation', mutationRecord());
    expect(next.chain).toEqual({ seq: 3, prev: lineDigest(Buffer.from(foreign)) });
    expect((await verifyLedger(file)).status).toBe('ok');
  });

  it('reads the head of a file that replaced the ledger, even one of the same size', async () => {
    const dir = tempDir();
    const file = join(dir, 'mutations.jsonl');
    const other = join(dir, 'other', 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord());
    await appendRecord(other, 'mutation', mutationRecord());
    expect(statSync(other).size).toBe(statSync(file).size);
    renameSync(other, file); // a new inode under the same name
    const next = await appendRecord(file, 'mutation', mutationRecord());
    expect(next.chain).toEqual({ seq: 2, prev: lineDigest(Buffer.from(readFileSync(file, 'utf8').split('\n')[0]!)) });
    expect((await verifyLedger(file)).status).toBe('ok');
  });

  it('refuses a torn tail another writer left after its own last append', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord());
    appendFileSync(file, '{"schema_version":"0.1');
    await expect(appendRecord(file, 'mutation', mutationRecord())).rejects.toMatchObject({ code: 'ledger-torn-tail' });
  });

  it('recreates a ledger removed between appends, chaining from the start again', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord());
    renameSync(file, `${file}.old`);
    const next = await appendRecord(file, 'mutation', mutationRecord());
    expect(next.chain.seq).toBe(1);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('chains on the line as it wrote it when that line was edited in place: verify names the edit', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendRecord(file, 'mutation', mutationRecord());
    await appendRecord(file, 'mutation', mutationRecord({ goal: 'keep it' }));
    const text = readFileSync(file, 'utf8');
    const fd = openSync(file, 'r+');
    writeSync(fd, 'kept it', text.lastIndexOf('keep it')); // same size, same inode
    closeSync(fd);
    await appendRecord(file, 'mutation', mutationRecord());
    const report = await verifyLedger(file);
    expect(report.problems).toEqual([expect.objectContaining({ line: 2, kind: 'edited' })]);
  });
});
