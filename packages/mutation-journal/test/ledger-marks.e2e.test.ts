import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chainedMutationLines } from '../../../tests/support/records.js';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

/**
 * A ledger an editor saved as "UTF-8 with BOM", or whose line endings git or an editor turned
 * into CR LF: every reader names that cause and a fix (the fix is run here, and must restore a
 * ledger that verifies); nothing more is accepted than before.
 */
function journal(args: string[], env: Record<string, string> = {}) {
  return runCli('mutation-journal', args, { env: { AUTOPOIETIC_LOG_LEVEL: 'silent', ...env } });
}

/** `n` mutation records appended through the CLI, in a directory whose name needs shell quoting. */
function ledgerOf(n: number): { mem: string; file: string; bytes: Buffer } {
  const mem = join(tempDir(), "it's memory");
  for (let i = 1; i <= n; i++) expect(journal(['append', '--memory-dir', mem, '--goal', `goal ${i}`, '--phase', 'P0']).code).toBe(0);
  const file = join(mem, 'mutations.jsonl');
  return { mem, file, bytes: readFileSync(file) };
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

function withBom(file: string, bytes: Buffer): void {
  writeFileSync(file, Buffer.concat([BOM, bytes]));
}

function withCrlf(file: string, bytes: Buffer): void {
  writeFileSync(file, bytes.toString('utf8').replaceAll('\n', '\r\n'));
}

/** Runs the command a message suggests between backticks, as a user would paste it into a shell. */
function runSuggested(text: string): void {
  const cmd = /`(sed [^`]+)`/.exec(text)?.[1];
  expect(cmd, text).toBeDefined();
  execFileSync('sh', ['-c', cmd!]);
}

describe('a ledger saved with a byte-order mark', () => {
  it('verify names the BOM on line 1 and its fix, and the fix restores a ledger that verifies', () => {
    const { file, bytes } = ledgerOf(3);
    withBom(file, bytes);
    const r = journal(['ledger', 'verify', '--path', file]);
    expect(r.code).toBe(1);
    const { problems, status } = r.json();
    expect(status).toBe('broken');
    expect(problems).toEqual([{ line: 1, kind: 'malformed', message: expect.stringContaining("line 1 starts with a byte-order mark (U+FEFF): an editor saved this ledger as 'UTF-8 with BOM'") }]);
    expect(r.stderr).toContain('first at line 1: malformed');
    runSuggested(problems[0].message);
    expect(readFileSync(file)).toEqual(bytes);
    expect(journal(['ledger', 'verify', '--path', file]).code).toBe(0);
  });

  it('a one-line ledger with a BOM is malformed, not a torn tail: repair keeps it, list refuses it by name', () => {
    const { mem, file, bytes } = ledgerOf(1);
    withBom(file, bytes);
    const v = journal(['ledger', 'verify', '--path', file]);
    expect(v.json()).toMatchObject({ status: 'broken', problems: [{ line: 1, kind: 'malformed' }] });
    expect(v.json().torn_tail).toBeUndefined();

    const repair = journal(['ledger', 'repair', '--path', file]);
    expect(repair.code).toBe(1);
    expect(repair.json()).toMatchObject({ repaired: false });
    expect(readdirSync(dirname(file)).filter((f) => f.includes('quarantine'))).toEqual([]);

    // It was skipped as "a torn final line" with a warning, so list printed [] for a ledger holding a record.
    const list = journal(['list', 'mutations', '--memory-dir', mem]);
    expect(list.code).toBe(1);
    expect(list.stdout).toBe('');
    expect(list.stderr).toMatch(/error\[ledger-byte-order-mark\]: .*mutations\.jsonl:1: line 1 starts with a byte-order mark/);
    expect(list.stderr).toMatch(/hint: Remove the BOM with `sed -i '1s\/\^\\xEF\\xBB\\xBF\/\/' '.*it'\\''s memory\/mutations\.jsonl'`/);

    const append = journal(['append', '--memory-dir', mem, '--goal', 'after', '--phase', 'P0']);
    expect(append.code).toBe(1);
    expect(append.stderr).toContain('line 1 starts with a byte-order mark (U+FEFF)');
    expect(readFileSync(file)).toEqual(Buffer.concat([BOM, bytes]));
  });

  it('a checkpoint saved with a BOM is named as such (not "remove it and take a new one"), and the fix restores it', () => {
    const { file } = ledgerOf(2);
    expect(journal(['ledger', 'checkpoint', '--path', file]).code).toBe(0);
    const checkpoint = `${file}.checkpoint.json`;
    const saved = readFileSync(checkpoint);
    withBom(checkpoint, saved);
    const r = journal(['ledger', 'verify', '--path', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[checkpoint-byte-order-mark]: the ledger checkpoint ${checkpoint} starts with a byte-order mark (U+FEFF)`);
    runSuggested(r.stderr);
    expect(readFileSync(checkpoint)).toEqual(saved);
    expect(journal(['ledger', 'verify', '--path', file]).json().checkpoint).toMatchObject({ status: 'ok' });
  });

  it('an empty ledger an editor saved with a BOM is named as that, not as an interrupted append, and the fix lets append work', () => {
    const mem = tempDir();
    const file = join(mem, 'mutations.jsonl');
    writeFileSync(file, BOM);
    const verify = journal(['ledger', 'verify', '--path', file]);
    expect(verify.json().problems).toEqual([{ line: 1, kind: 'torn-tail', message: expect.stringMatching(/^the last line \(1\) is only a byte-order mark \(U\+FEFF\) with no newline, no record: an editor saved/) }]);
    const append = journal(['append', '--memory-dir', mem, '--goal', 'g', '--phase', 'P0']);
    expect(append.code).toBe(1);
    expect(append.stderr).toContain(`error[ledger-byte-order-mark]: ledger ${file}: line 1 is only a byte-order mark (U+FEFF), no record`);
    runSuggested(append.stderr);
    expect(journal(['append', '--memory-dir', mem, '--goal', 'g', '--phase', 'P0']).code).toBe(0);
    expect(journal(['ledger', 'verify', '--path', file]).code).toBe(0);

    writeFileSync(file, Buffer.concat([BOM, Buffer.from('\n'), readFileSync(file)]));
    const { problems } = journal(['ledger', 'verify', '--path', file]).json();
    expect(problems).toEqual([{ line: 1, kind: 'malformed', message: expect.stringMatching(/^line 1 is only a byte-order mark \(U\+FEFF\), no record: .*what remains is blank, which every reader skips\.$/) }]);
  });

  it('says when removing the BOM will not be enough', () => {
    const { file, bytes } = ledgerOf(2);
    writeFileSync(file, Buffer.concat([BOM, Buffer.from('{"not json\n'), bytes]));
    const { problems } = journal(['ledger', 'verify', '--path', file]).json();
    expect(problems[0]).toMatchObject({ line: 1, kind: 'malformed', message: expect.stringContaining('the rest of the line is not valid JSON either') });
  });
});

describe('a ledger whose line endings were converted to CR LF', () => {
  it('verify names CR LF on every line (the last too), explained once, and the fix restores the ledger', () => {
    const { file, bytes } = ledgerOf(3);
    withCrlf(file, bytes);
    const r = journal(['ledger', 'verify', '--path', file]);
    expect(r.code).toBe(1);
    const { problems } = r.json();
    expect(problems).toEqual([
      { line: 1, kind: 'edited', message: expect.stringMatching(/^line 1 ends with CR LF, but the tools write LF only: .*git core\.autocrlf/) },
      { line: 2, kind: 'edited', message: 'line 2 ends with CR LF too: its line ending was converted. See line 1.' },
      { line: 3, kind: 'edited', message: 'line 3 ends with CR LF too: its line ending was converted. See line 1.' },
    ]);
    runSuggested(problems[0].message);
    expect(readFileSync(file)).toEqual(bytes);
    expect(journal(['ledger', 'verify', '--path', file]).code).toBe(0);
  });

  it('a one-line CR LF ledger no longer verifies as ok', () => {
    const { file, bytes } = ledgerOf(1);
    withCrlf(file, bytes);
    expect(journal(['ledger', 'verify', '--path', file]).json()).toMatchObject({ status: 'broken', problems: [{ line: 1, kind: 'edited' }] });
  });

  it('append refuses to chain a record to a converted line (converting back would then break the chain)', () => {
    const { mem, file, bytes } = ledgerOf(2);
    withCrlf(file, bytes);
    const r = journal(['append', '--memory-dir', mem, '--goal', 'after', '--phase', 'P0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[ledger-line-endings\]: ledger .*mutations\.jsonl: line 2 ends with CR LF, .*refusing to append after it/);
    expect(r.stderr).toContain("hint: Convert back with `sed -i 's/\\r$//'");
    expect(readFileSync(file, 'utf8')).toBe(bytes.toString('utf8').replaceAll('\n', '\r\n'));
  });

  it('worker threads report the same problems as the single-thread scan', () => {
    const lines = chainedMutationLines(6000, (i) => ({ goal: `goal ${i}`, reason: 'r'.repeat(200) }));
    lines[2500] += '\r'; // one converted line, in the second block
    lines[4000] = `${BOM.toString('utf8')}${lines[4000]}`;
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const verify = (threads: string) => runCli('mutation-journal', ['ledger', 'verify', '--path', file], { env: { AUTOPOIETIC_VERIFY_THREADS: threads, AUTOPOIETIC_LOG_LEVEL: 'silent' } }).json();
    const one = verify('1');
    expect(one.problems.map((p: { line: number; kind: string }) => [p.line, p.kind])).toEqual([[2501, 'edited'], [4001, 'malformed']]);
    expect(verify('3')).toEqual(one);
  });
});
