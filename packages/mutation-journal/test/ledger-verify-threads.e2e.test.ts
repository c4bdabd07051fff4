import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainedMutationLines } from '../../../tests/support/records.js';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

/** A valid chained ledger of `n` lines (several worker blocks long), written directly. */
const chained = (n: number): string[] => chainedMutationLines(n, (i) => ({ goal: `goal ${i}`, reason: 'r'.repeat(200) }));

function verifyWith(file: string, threads: string) {
  return runCli('mutation-journal', ['ledger', 'verify', '--path', file], {
    env: { AUTOPOIETIC_VERIFY_THREADS: threads, AUTOPOIETIC_LOG_LEVEL: 'silent' },
  });
}

describe('ledger verify on worker threads', () => {
  it('reports exactly what the single-thread scan reports, across block boundaries', () => {
    const lines = chained(6000); // about 3.5 MB: four 1 MiB blocks
    lines[1500] = lines[1500]!.replace('goal 1501', 'goal X'); // edited
    lines.splice(3000, 1); // deleted
    [lines[4000], lines[4001]] = [lines[4001]!, lines[4000]!]; // swapped
    lines[4500] = '{"not json'; // malformed
    lines[5000] = lines[5000]!.replace('"status":"pending"', '"status":"bogus"'); // schema
    lines.splice(5500, 0, '', '   '); // blank lines
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n{"torn`);

    const one = verifyWith(file, '1');
    const many = verifyWith(file, '3');
    expect(one.code).toBe(1);
    expect(many.code).toBe(1);
    expect(many.json()).toEqual(one.json());
    expect(one.json().problems.map((p: { line: number; kind: string }) => `${p.line}:${p.kind}`)).toEqual([
      '1501:edited',
      '3001:deleted',
      '4001:reordered',
      '4501:malformed',
      '5001:schema',
      '6002:torn-tail',
    ]);
  });

  it('explains schema problems in every block the same way, whichever thread checked the line', () => {
    // Workers check lines with the compiled validator and load zod only to word a refusal.
    const lines = chained(6000);
    const bad = [10, 1700, 3400, 5100, 5990];
    for (const i of bad) lines[i] = lines[i]!.replace('"status":"pending"', '"status":"bogus"');
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const one = verifyWith(file, '1');
    const many = verifyWith(file, '3');
    expect(many.json()).toEqual(one.json());
    const schema = one.json().problems.filter((p: { kind: string }) => p.kind === 'schema');
    expect(schema.map((p: { line: number }) => p.line)).toEqual(bad.map((i) => i + 1));
    for (const p of schema) expect(p.message).toMatch(/is not a valid mutation record: status: /);
  });

  it('agrees on a clean ledger', () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, `${chained(3000).join('\n')}\n`);
    const one = verifyWith(file, '1');
    const many = verifyWith(file, '2');
    expect(one.code).toBe(0);
    expect(many.json()).toEqual(one.json());
    expect(one.json()).toMatchObject({ status: 'ok', lines: 3000, head: { seq: 3000 } });
  });

  it('caps an absurd AUTOPOIETIC_VERIFY_THREADS instead of dying (99999 workers: V8 fatal OOM, exit 133)', () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, `${chained(200).join('\n')}\n`);
    const many = verifyWith(file, '99999');
    expect(many.stderr).toBe('');
    expect(many.code).toBe(0);
    expect(many.json()).toEqual(verifyWith(file, '1').json());
  });

  it('refuses a thread count that is not one (exit 2, naming the variable, before it reads the ledger); abc was ignored without a word', () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, `${chained(3).join('\n')}\n`);
    const r = verifyWith(file, 'abc');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[env-invalid\]: AUTOPOIETIC_VERIFY_THREADS="abc" is not a thread count/m);
  });
});
