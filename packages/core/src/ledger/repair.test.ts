import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from './append.js';
import { checkpointLedger } from './checkpoint.js';
import { acquireLock } from './lock.js';
import { repairLedger } from './repair.js';
import { verifyLedger } from './verify.js';

async function ledger(n: number): Promise<string> {
  const file = join(tempDir(), 'mutations.jsonl');
  for (let i = 1; i <= n; i++) await appendRecord(file, 'mutation', mutationRecord({ goal: `goal ${i}` }));
  return file;
}

describe('repairLedger', () => {
  it('moves a torn tail into a quarantine file, byte for byte, and the ledger verifies again', async () => {
    const file = await ledger(3);
    const good = readFileSync(file);
    const torn = Buffer.from('{"schema_version":"0.1.0","mutation_id":"mut-2026');
    writeFileSync(file, torn, { flag: 'a' });
    const out = await repairLedger(file, undefined, { now: new Date('2026-02-03T04:05:06Z') });
    expect(out).toMatchObject({ repaired: true, line: 4, offset: good.length, bytes: torn.length, quarantine: `${file}.quarantine-20260203-040506` });
    expect(readFileSync(out.quarantine!)).toEqual(torn);
    expect(readFileSync(file)).toEqual(good);
    expect(out.report.status).toBe('ok');
    await expect(appendRecord(file, 'mutation', mutationRecord())).resolves.toMatchObject({ chain: { seq: 4 } });
  });

  it('never overwrites an earlier quarantine file', async () => {
    const file = await ledger(1);
    const now = new Date('2026-02-03T04:05:06Z');
    writeFileSync(file, 'first-torn', { flag: 'a' });
    const a = await repairLedger(file, undefined, { now });
    writeFileSync(file, 'second-torn', { flag: 'a' });
    const b = await repairLedger(file, undefined, { now });
    expect(b.quarantine).toBe(`${a.quarantine}-2`);
    expect(readFileSync(a.quarantine!, 'utf8')).toBe('first-torn');
    expect(readFileSync(b.quarantine!, 'utf8')).toBe('second-torn');
  });

  it('does nothing to a healthy ledger', async () => {
    const file = await ledger(2);
    const before = statSync(file).size;
    const out = await repairLedger(file);
    expect(out).toMatchObject({ repaired: false });
    expect(statSync(file).size).toBe(before);
    expect(readdirSync(join(file, '..')).filter((f) => f.includes('quarantine'))).toEqual([]);
  });

  it('needs no lock for a ledger with no torn tail: it is only read', async () => {
    // Taking the lock first made an intact ledger unrepairable by a user who may only read the
    // memory directory; a lock held elsewhere made it wait, then fail with ledger-locked.
    const file = await ledger(2);
    const held = await acquireLock(file);
    try {
      await expect(repairLedger(file, undefined, { timeoutMs: 100 })).resolves.toMatchObject({ repaired: false, report: { status: 'ok' } });
    } finally {
      held.release();
    }
  });

  it('leaves mid-file damage alone and reports it', async () => {
    const file = await ledger(3);
    const ls = readFileSync(file, 'utf8').trimEnd().split('\n');
    ls[1] = ls[1]!.replace('goal 2', 'goal X');
    writeFileSync(file, `${ls.join('\n')}\n`);
    const out = await repairLedger(file);
    expect(out.repaired).toBe(false);
    expect(out.report.status).toBe('broken');
  });

  it('refuses a missing ledger', async () => {
    await expect(repairLedger(join(tempDir(), 'mutations.jsonl'))).rejects.toMatchObject({ code: 'ledger-missing' });
  });
});

describe('checkpointLedger', () => {
  it('records the head, and verify then detects truncation after it', async () => {
    const file = await ledger(4);
    const cp = await checkpointLedger(file);
    expect(cp.path).toBe(`${file}.checkpoint.json`);
    expect(cp.checkpoint).toMatchObject({ ledger: basename(file), seq: 4, line: 4 });
    expect((await verifyLedger(file)).checkpoint).toMatchObject({ status: 'ok', seq: 4 });
    const ls = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `${ls.slice(0, 2).join('\n')}\n`);
    const r = await verifyLedger(file);
    expect(r.status).toBe('broken');
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'truncated', message: expect.stringMatching(/records seq 4, but the ledger ends at seq 2/) })]);
    expect((await verifyLedger(file, undefined, { checkpoint: false })).status).toBe('ok');
  });

  it('detects an edit of the last line, which the chain alone cannot', async () => {
    const file = await ledger(3);
    await checkpointLedger(file);
    const ls = readFileSync(file, 'utf8').trimEnd().split('\n');
    ls[2] = ls[2]!.replace('goal 3', 'goal Z');
    writeFileSync(file, `${ls.join('\n')}\n`);
    expect((await verifyLedger(file, undefined, { checkpoint: false })).status).toBe('ok');
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 3, kind: 'checkpoint' })]);
  });

  it('keeps working as the ledger grows past the checkpoint', async () => {
    const file = await ledger(2);
    await checkpointLedger(file);
    await appendRecord(file, 'mutation', mutationRecord());
    expect((await verifyLedger(file)).status).toBe('ok');
    expect((await checkpointLedger(file)).checkpoint.seq).toBe(3);
  });

  it('refuses to checkpoint a ledger that does not verify, or is empty', async () => {
    const file = await ledger(2);
    writeFileSync(file, 'torn', { flag: 'a' });
    await expect(checkpointLedger(file)).rejects.toMatchObject({ code: 'checkpoint-refused' });
    await expect(checkpointLedger(join(tempDir(), 'mutations.jsonl'))).rejects.toMatchObject({ code: 'checkpoint-refused' });
  });

  it('refuses an invalid checkpoint file instead of ignoring it', async () => {
    const file = await ledger(1);
    writeFileSync(`${file}.checkpoint.json`, '{"seq": "nope"}');
    await expect(verifyLedger(file)).rejects.toMatchObject({ code: 'checkpoint-invalid' });
  });

  it('requires an explicitly named checkpoint to exist', async () => {
    const file = await ledger(1);
    await expect(verifyLedger(file, undefined, { checkpoint: join(tempDir(), 'cp.json') })).rejects.toMatchObject({ code: 'checkpoint-unreadable' });
  });
});
