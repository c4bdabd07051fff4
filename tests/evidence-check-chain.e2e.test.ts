// `mutation-journal evidence check` verifies the hash chain of every ledger it reads a record
// from, up to that record, with the ledger verifier: real verify and promote runs write the
// ledgers, and the ledger is edited by hand before the cited line. The record line itself stays
// intact, so its digest still matches: only the chain tells that its history was rewritten.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureGenome, memoryDir, readmeProposal, runner } from '../packages/mutation-runner/test/support.js';
import { runCli, type CliResult } from './support/cli.js';
import { tempDir } from './support/tmp.js';

interface Item {
  id: string;
  status: string;
  reason: string;
  ledger?: string;
  read_from?: string;
  up_to_line?: number;
  problems?: Array<{ line: number; kind: string }>;
}

const check = (bundle: string, extra: string[] = []) => runCli('mutation-journal', ['evidence', 'check', bundle, ...extra]);
const report = (r: CliResult) => r.json() as { status: string; inputs: Item[]; parts: Item[]; logs: Item[]; ledgers: Item[] };
const notMatched = (r: CliResult) => Object.values(report(r)).flatMap((v) => (Array.isArray(v) ? (v as Item[]) : [])).filter((i) => i.status !== 'matched');

/** Two verify runs (ledger lines 1 and 2 of mutation-results.jsonl), each with its bundle, and a promote of the second. */
function twoRuns() {
  const root = fixtureGenome();
  const proposal = readmeProposal(root);
  const mem = memoryDir();
  const out = tempDir('aos-evidence-chain-');
  const bundles = ['first', 'second', 'promoted'].map((n) => join(out, `${n}.json`));
  for (const bundle of bundles.slice(0, 2)) {
    const v = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem, '--evidence-bundle', bundle]);
    expect(v.code, v.stderr).toBe(0);
  }
  const p = runner(['promote', '--proposal', proposal, '--root', root, '--memory-dir', mem, '--parent-genome', 'git:fixture', '--target-configuration', 'seed', '--vm-check', 'seed-smoke', '--evidence-bundle', bundles[2]!]);
  expect(p.code, p.stderr).toBe(0);
  const [first, second, promoted] = bundles as [string, string, string];
  return { mem, first, second, promoted, results: join(mem, 'mutation-results.jsonl'), promotions: join(mem, 'mutation-promotions.jsonl') };
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

describe('evidence check: the chain of each ledger it reads, up to the cited line', () => {
  it('an untouched ledger matches up to the cited line, for every ledger a bundle reads, and where --memory-dir reads it', () => {
    const g = twoRuns();
    const second = check(g.second);
    expect(second.code, second.stderr).toBe(0);
    expect(report(second).ledgers).toEqual([
      { id: `ledger:${g.results}`, ledger: g.results, up_to_line: 2, status: 'matched', reason: 'the hash chain verifies from line 1 to line 2, the last cited record' },
    ]);
    const promoted = check(g.promoted);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(report(promoted).ledgers.map((l) => [l.ledger, l.up_to_line, l.status])).toEqual([
      [g.promotions, 1, 'matched'],
      [g.results, 2, 'matched'],
    ]);
    const moved = join(tempDir('aos-moved-'), 'memory');
    cpSync(g.mem, moved, { recursive: true });
    const there = check(g.second, ['--memory-dir', moved]);
    expect(there.code, there.stderr).toBe(0);
    expect(report(there).ledgers[0]).toMatchObject({ ledger: g.results, read_from: join(moved, 'mutation-results.jsonl'), status: 'matched' });
  });

  it('a line edited before the cited one fails the bundle, naming the ledger and the line, though the record itself matches', () => {
    const g = twoRuns();
    const [line1, line2] = lines(g.results) as [string, string];
    writeFileSync(g.results, `${line1.replace('"all verifier checks passed"', '"all verifier checks passed (edited)"')}\n${line2}\n`);
    expect(readFileSync(g.results, 'utf8')).toContain('(edited)');
    for (const bundle of [g.second, g.promoted]) {
      const r = check(bundle);
      expect(r.code, r.stderr).toBe(1);
      expect(report(r).status).toBe('failed');
      // The cited line is intact: only the chain says its history was rewritten.
      expect(notMatched(r).map((i) => i.id)).toEqual([`ledger:${g.results}`]);
      const item = report(r).ledgers.find((l) => l.ledger === g.results)!;
      expect(item).toMatchObject({ status: 'differs', up_to_line: 2, problems: [{ line: 1, kind: 'edited' }] });
      expect(item.reason).toMatch(new RegExp(`^the hash chain of ${g.results} is broken at or before line 2, the last cited record: ${g.results}:1: edited: line 1 \\(seq 1\\) was changed after it was chained`));
      expect(r.stderr).toContain(`differs ledger:${g.results}: the hash chain of ${g.results} is broken at or before line 2`);
    }
  });

  it('a line deleted before the cited one fails the bundle', () => {
    const g = twoRuns();
    writeFileSync(g.results, `${lines(g.results)[1]}\n`);
    const r = check(g.second);
    expect(r.code, r.stderr).toBe(1);
    expect(notMatched(r).map((i) => i.id)).toEqual([`ledger:${g.results}`]);
    expect(report(r).ledgers[0]).toMatchObject({ status: 'differs', up_to_line: 1, problems: [{ line: 1, kind: 'deleted' }] });
    expect(report(r).ledgers[0]!.reason).toContain(`${g.results}:1: deleted: `);
  });

  it('damage after the cited line is not the bundle\'s: an earlier record still matches, a later one does not', () => {
    const g = twoRuns();
    writeFileSync(g.results, `${readFileSync(g.results, 'utf8')}${JSON.stringify({ note: 'written by hand' })}\n`);
    const verify = runCli('mutation-journal', ['ledger', 'verify', '--path', g.results]);
    expect(verify.code).toBe(1);
    const first = check(g.first);
    expect(first.code, first.stderr).toBe(0);
    expect(report(first).ledgers[0]).toMatchObject({ up_to_line: 1, status: 'matched' });
    // An edit of line 2 shows at line 2 (line 3's prev no longer matches it): the first bundle stays matched, the second fails.
    const [line1, line2, line3] = lines(g.results) as [string, string, string];
    writeFileSync(g.results, `${line1}\n${line2.replace('"all verifier checks passed"', '"all verifier checks passed (edited)"')}\n${line3}\n`);
    expect(check(g.first).code).toBe(0);
    expect(check(g.second).code).toBe(1);
  });

  it('a ledger whose chain cannot be verified (a damaged checkpoint) is missing, never matched', () => {
    const g = twoRuns();
    const checkpoint = `${g.results}.checkpoint.json`;
    writeFileSync(checkpoint, 'not a checkpoint\n');
    const r = check(g.second);
    expect(r.code, r.stderr).toBe(1);
    expect(report(r).ledgers[0]).toMatchObject({ status: 'missing', reason: expect.stringContaining(`the hash chain of ${g.results} cannot be verified: the ledger checkpoint ${checkpoint} is invalid`) });
  });
});
