import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from './append.js';
import { checkpointLedger } from './checkpoint.js';
import { acquireLock } from './lock.js';
import { loadRecords } from './read.js';
import { verifiedRecords, verifyLedger } from './verify.js';

async function ledgerOf(n: number): Promise<{ file: string; lines: string[] }> {
  const file = join(tempDir(), 'mutations.jsonl');
  for (let i = 1; i <= n; i++) await appendRecord(file, 'mutation', mutationRecord({ goal: `goal ${i}` }));
  return { file, lines: readFileSync(file, 'utf8').trimEnd().split('\n') };
}

function rewrite(file: string, lines: string[], tail = '\n'): void {
  writeFileSync(file, lines.join('\n') + tail);
}

describe('verifyLedger', () => {
  it('reports ok with counts and the head of a clean ledger', async () => {
    const { file } = await ledgerOf(4);
    const r = await verifyLedger(file);
    expect(r).toMatchObject({ status: 'ok', exists: true, schema: 'mutation', lines: 4, blank_lines: 0, problems: [] });
    expect(r.head).toMatchObject({ seq: 4, line: 4 });
    expect(r.head!.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('reports a missing ledger as missing, not broken', async () => {
    const r = await verifyLedger(join(tempDir(), 'mutations.jsonl'));
    expect(r).toMatchObject({ status: 'missing', exists: false, lines: 0, head: null });
  });

  it('skips blank lines and counts them', async () => {
    const { file, lines } = await ledgerOf(2);
    rewrite(file, [lines[0]!, '', '   ', lines[1]!]);
    const r = await verifyLedger(file);
    expect(r).toMatchObject({ status: 'ok', lines: 2, blank_lines: 2 });
    expect(r.head!.line).toBe(4);
  });

  it('detects an edited line and names it', async () => {
    const { file, lines } = await ledgerOf(5);
    lines[2] = lines[2]!.replace('goal 3', 'goal 9');
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.status).toBe('broken');
    expect(r.problems).toEqual([expect.objectContaining({ line: 3, kind: 'edited' })]);
  });

  it('detects an edit that breaks the schema, and does not report the line twice', async () => {
    const { file, lines } = await ledgerOf(3);
    lines[1] = lines[1]!.replace('"status":"pending"', '"status":"done"');
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, kind: 'schema', message: expect.stringMatching(/status/) })]);
  });

  it('detects a deleted line', async () => {
    const { file, lines } = await ledgerOf(5);
    lines.splice(1, 1);
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, kind: 'deleted', message: expect.stringMatching(/seq jumps from 1 to 3/) })]);
  });

  it('detects deleted first lines', async () => {
    const { file, lines } = await ledgerOf(4);
    rewrite(file, lines.slice(2));
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 1, kind: 'deleted', message: expect.stringMatching(/first 2 line/) })]);
  });

  it('detects two swapped lines and names both', async () => {
    const { file, lines } = await ledgerOf(5);
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, kind: 'reordered', message: expect.stringMatching(/lines 2 and 3 are swapped/) })]);
  });

  it('detects a line inserted by hand (no chain)', async () => {
    const { file, lines } = await ledgerOf(4);
    lines.splice(2, 0, JSON.stringify(mutationRecord({ goal: 'forged' })));
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 3, kind: 'inserted' })]);
  });

  it('takes a chain link whose prev is not 64 hex digits for no link, wherever it stands', async () => {
    const { file, lines } = await ledgerOf(4);
    const bare = join(tempDir(), 'notes.jsonl'); // no schema: only the chain rules apply
    const bad = (line: string, prev: string) => JSON.stringify({ ...JSON.parse(line), chain: { ...JSON.parse(line).chain, prev } });
    rewrite(bare, [lines[0]!, bad(lines[1]!, `sha256:${'g'.repeat(64)}`), lines[2]!, lines[3]!]);
    const r = await verifyLedger(bare);
    expect(r.schema).toBeNull();
    expect(r.problems[0]).toMatchObject({ line: 2, kind: 'inserted', message: expect.stringMatching(/no valid chain link/) });
    rewrite(file, [lines[0]!, lines[1]!, lines[2]!, bad(lines[3]!, `sha256:${'A'.repeat(64)}`)]);
    const withSchema = await verifyLedger(file);
    expect(withSchema.problems.map((p) => [p.line, p.kind])).toEqual([
      [4, 'schema'],
      [4, 'inserted'],
    ]);
  });

  it('detects a duplicated line (a copy with a chain)', async () => {
    const { file, lines } = await ledgerOf(4);
    lines.splice(3, 0, lines[0]!);
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 4, kind: 'inserted' })]);
  });

  it('detects a forged line inserted with a correct-looking chain', async () => {
    const { file, lines } = await ledgerOf(4);
    const forged = { ...JSON.parse(lines[2]!), goal: 'forged' };
    lines.splice(2, 0, JSON.stringify(forged));
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 3, kind: 'inserted' })]);
  });

  it('reports a malformed line in the middle by number', async () => {
    const { file, lines } = await ledgerOf(4);
    lines[1] = '{"not json';
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, kind: 'malformed' })]);
  });

  it('reports a final line without a newline as a torn tail, with its offset', async () => {
    const { file, lines } = await ledgerOf(3);
    const partial = lines[2]!.slice(0, 40);
    rewrite(file, [lines[0]!, lines[1]!, partial], '');
    const r = await verifyLedger(file);
    expect(r.status).toBe('torn-tail');
    expect(r.problems).toEqual([expect.objectContaining({ line: 3, kind: 'torn-tail' })]);
    expect(r.torn_tail).toEqual({ line: 3, offset: lines[0]!.length + lines[1]!.length + 2, bytes: 40 });
    expect(r.head).toMatchObject({ seq: 2, line: 2 });
  });

  it('re-reads a torn tail under a lock a live process keeps once, after one wait, then reports it torn', async () => {
    const { file, lines } = await ledgerOf(3);
    rewrite(file, [lines[0]!, lines[1]!, lines[2]!.slice(0, 40)], '');
    const held = await acquireLock(file); // this process: live, and never letting go during the read
    const before = process.env.AUTOPOIETIC_LOCK_TIMEOUT_MS;
    process.env.AUTOPOIETIC_LOCK_TIMEOUT_MS = '150';
    try {
      let rereads = 0;
      const r = await verifyLedger(file, undefined, { onReread: () => rereads++ });
      expect(r.status).toBe('torn-tail');
      expect(rereads, 'a lock still held at the timeout ends the re-reads: no wait per re-read').toBe(1);
    } finally {
      held.release();
      if (before === undefined) delete process.env.AUTOPOIETIC_LOCK_TIMEOUT_MS;
      else process.env.AUTOPOIETIC_LOCK_TIMEOUT_MS = before;
    }
  });

  it('treats a complete final line with no newline as torn (its append never returned)', async () => {
    const { file, lines } = await ledgerOf(2);
    rewrite(file, lines, '');
    expect((await verifyLedger(file)).status).toBe('torn-tail');
  });

  it('treats an unparsable last line followed only by blank lines as torn', async () => {
    const { file, lines } = await ledgerOf(2);
    rewrite(file, [...lines, '{"half', '', ''], '\n');
    const r = await verifyLedger(file);
    expect(r.status).toBe('torn-tail');
    expect(r.torn_tail!.line).toBe(3);
  });

  it('checks lines against the schema named by the file, or the one given', async () => {
    const { file } = await ledgerOf(1);
    const r = await verifyLedger(file, 'effect');
    expect(r.schema).toBe('effect');
    expect(r.problems[0]).toMatchObject({ line: 1, kind: 'schema' });
    const other = join(tempDir(), 'custom.jsonl');
    writeFileSync(other, readFileSync(file));
    expect((await verifyLedger(other)).schema).toBeNull();
    expect((await verifyLedger(other)).status).toBe('ok');
  });
});

describe('verifyLedger against a checkpoint', () => {
  it('compares the checkpoint with the first line carrying its seq, not a later copy of the original', async () => {
    const { file, lines } = await ledgerOf(3);
    await checkpointLedger(file, 'mutation');
    // The checkpointed last line is edited (only the checkpoint can tell), and its original is put after it.
    rewrite(file, [...lines.slice(0, 2), lines[2]!.replace('goal 3', 'goal 9'), lines[2]!]);
    const r = await verifyLedger(file);
    expect(r.status).toBe('broken');
    expect(r.checkpoint).toMatchObject({ status: 'mismatch', seq: 3 });
    expect(r.problems).toContainEqual(expect.objectContaining({ line: 3, kind: 'checkpoint' }));
  });

  it('reports a required checkpoint that does not exist when asked to (ledger verify --all), else refuses it', async () => {
    const { file } = await ledgerOf(2);
    const cp = `${file}.checkpoint.json`;
    await expect(verifyLedger(file, undefined, { checkpoint: cp })).rejects.toMatchObject({ code: 'checkpoint-unreadable' });
    const r = await verifyLedger(file, undefined, { checkpoint: cp, reportCheckpointProblems: true });
    // The lines decide the status; the caller decides what a missing checkpoint means.
    expect(r).toMatchObject({ status: 'ok', head: { seq: 2 }, problems: [] });
    expect(r.checkpoint).toEqual({ path: cp, status: 'missing', hint: `Take one with \`mutation-journal ledger checkpoint --path ${file}\` (once the ledger verifies).` });
    // Not required (the default checkpoint, used when present): nothing to report.
    expect((await verifyLedger(file, undefined, { reportCheckpointProblems: true })).checkpoint).toBeUndefined();
  });

  it('reports a checkpoint that cannot be used when asked to, the ledger verified without it; else throws its error', async () => {
    const { file } = await ledgerOf(2);
    const cp = `${file}.checkpoint.json`;
    writeFileSync(cp, '{"ledger":');
    for (const checkpoint of [cp, undefined]) {
      await expect(verifyLedger(file, undefined, { checkpoint })).rejects.toMatchObject({ code: 'checkpoint-invalid' });
      const r = await verifyLedger(file, undefined, { checkpoint, reportCheckpointProblems: true });
      expect(r).toMatchObject({ status: 'ok', head: { seq: 2 }, problems: [] });
      expect(r.checkpoint).toMatchObject({ path: cp, status: 'invalid', reason: `the ledger checkpoint ${cp} is invalid: not valid JSON` });
    }
  });
});

describe('verifyLedger: lines moved or copied from further down', () => {
  it('names a copy of a later line inserted earlier, once', async () => {
    const { file, lines } = await ledgerOf(5);
    lines.splice(1, 0, lines[3]!);
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, kind: 'inserted', message: expect.stringMatching(/line 2 \(seq 4\) does not belong here/) })]);
  });

  it('names a line moved up, and the gap it left behind', async () => {
    const { file, lines } = await ledgerOf(5);
    const [moved] = lines.splice(3, 1);
    lines.splice(1, 0, moved!);
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems.map((p) => [p.line, p.kind])).toEqual([
      [2, 'inserted'],
      [5, 'deleted'],
    ]);
  });

  it('names a swap of the first two lines', async () => {
    const { file, lines } = await ledgerOf(3);
    [lines[0], lines[1]] = [lines[1]!, lines[0]!];
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 1, kind: 'reordered' })]);
  });
});

describe('verifyLedger on a ruined file', () => {
  it('keeps the first 1000 problems and counts the rest', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, `${Array.from({ length: 1500 }, (_, i) => `garbage ${i}`).join('\n')}\n{"x":1}\n`);
    const r = await verifyLedger(file);
    expect(r.status).toBe('broken');
    expect(r.problems).toHaveLength(1000);
    expect(r.problems[0]).toMatchObject({ line: 1, kind: 'malformed' });
    expect(r.problems_omitted).toBe(1500 + 1 + 1 - 1000); // 1500 malformed, then one line with a schema problem and no chain
  });

  it('reports a schema problem and an edit of the same line once', async () => {
    const { file, lines } = await ledgerOf(3);
    lines[1] = lines[1]!.replace('"phase":"P0-smoke"', '"phase":" "');
    rewrite(file, lines);
    const r = await verifyLedger(file);
    expect(r.problems).toEqual([expect.objectContaining({ line: 2, kind: 'schema' })]);
  });
});

describe('verifiedRecords', () => {
  it('gives the report and the records the reader gives, from one read', async () => {
    const { file, lines } = await ledgerOf(3);
    rewrite(file, [lines[0]!, '', lines[1]!, lines[2]!]);
    const { report, records } = await verifiedRecords(file, 'mutation');
    expect(report).toMatchObject({ status: 'ok', lines: 3, blank_lines: 1 });
    expect(records.map((r) => r.line)).toEqual([1, 3, 4]);
    expect(records.map((r) => r.record)).toEqual(await loadRecords(file, 'mutation'));
  });

  it('leaves out what the schema refuses and a torn tail, and still reports the swapped pair after them as chain damage', async () => {
    const { file, lines } = await ledgerOf(4);
    const invalid = JSON.stringify({ ...JSON.parse(lines[1]!), status: 'nonsense' });
    rewrite(file, [lines[0]!, invalid, lines[3]!, lines[2]!, '{"torn":'], '');
    const { report, records } = await verifiedRecords(file, 'mutation');
    expect(records.map((r) => r.line)).toEqual([1, 3, 4]);
    expect(report.status).toBe('broken');
    expect(report.problems.map((p) => p.kind)).toEqual(expect.arrayContaining(['schema', 'torn-tail']));
    expect(report.problems.some((p) => ['reordered', 'deleted', 'inserted', 'edited'].includes(p.kind))).toBe(true);
  });
});
