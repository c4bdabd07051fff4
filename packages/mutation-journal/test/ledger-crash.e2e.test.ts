import { spawn } from 'node:child_process';
import { readFileSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

const APPENDER = join(import.meta.dirname, 'fixtures', 'ledger', 'appender.mjs');

/** Starts an endless appender and SIGKILLs it once it has reported `after` returned appends. */
function appendUntilKilled(file: string, tag: string, after: number): Promise<number[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [APPENDER, file, '0', tag], { env: { ...process.env, AUTOPOIETIC_LOG_LEVEL: 'silent' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (out.split('\n').length > after) child.kill('SIGKILL');
    });
    child.on('close', (_code, signal) => {
      expect(signal).toBe('SIGKILL');
      // Only complete lines count: a seq is printed after its append returned.
      const done = out.endsWith('\n') ? out : out.slice(0, out.lastIndexOf('\n') + 1);
      resolve(done.split('\n').filter(Boolean).map(Number));
    });
  });
}

function journal(args: string[]) {
  return runCli('mutation-journal', args, { env: { AUTOPOIETIC_LOG_LEVEL: 'silent' } });
}

describe('an appender killed with SIGKILL', () => {
  it('leaves at most a torn tail; repair recovers; every returned append is present; appending resumes', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const returned: Array<{ tag: string; seqs: number[] }> = [];
    for (const [round, after] of [300, 57, 1].entries()) {
      const tag = `crash${round}`;
      returned.push({ tag, seqs: await appendUntilKilled(file, tag, after) });

      const verify = journal(['ledger', 'verify', '--path', file]);
      const report = JSON.parse(verify.stdout);
      expect(['ok', 'torn-tail']).toContain(report.status);
      expect(report.problems.every((p: { kind: string }) => p.kind === 'torn-tail')).toBe(true);

      const repair = journal(['ledger', 'repair', '--path', file]); // also recovers the dead writer's lock
      expect(repair.code).toBe(0);
      expect(JSON.parse(repair.stdout).report.status).toBe('ok');
    }

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    const seqOf = new Map(lines.map((l) => [l.mutation_id, l.chain.seq]));
    for (const { tag, seqs } of returned) {
      expect(seqs.length).toBeGreaterThan(0);
      for (const [i, seq] of seqs.entries()) expect(seqOf.get(`mut-${tag}-${i + 1}`)).toBe(seq);
    }

    const next = journal(['append', '--path', file, '--goal', 'after the crash', '--phase', 'P0']);
    expect(next.code).toBe(0);
    expect(next.json().chain.seq).toBe(lines.length + 1);
  }, 120_000);

  it('repairs a write torn by a crash below the process (a cut-off final line)', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    await appendUntilKilled(file, 'cut', 20);
    journal(['ledger', 'repair', '--path', file]);
    const before = readFileSync(file);
    const lastLine = before.subarray(before.lastIndexOf(10, before.length - 2) + 1);
    truncateSync(file, before.length - 17); // the last line loses its end and its newline

    const verify = journal(['ledger', 'verify', '--path', file]);
    expect(verify.code).toBe(1);
    expect(verify.json()).toMatchObject({ status: 'torn-tail', problems: [{ kind: 'torn-tail' }] });
    expect(journal(['append', '--path', file, '--goal', 'g', '--phase', 'p']).stderr).toMatch(/ledger-torn-tail/);

    const repair = journal(['ledger', 'repair', '--path', file]);
    expect(repair.code).toBe(0);
    const out = repair.json();
    expect(readFileSync(out.quarantine)).toEqual(lastLine.subarray(0, lastLine.length - 17));
    expect(statSync(file).size).toBe(before.length - lastLine.length);
    expect(journal(['ledger', 'verify', '--path', file]).code).toBe(0);
  }, 60_000);
});
