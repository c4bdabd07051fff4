import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

function journal(args: string[]) {
  return runCli('mutation-journal', args, { env: { AUTOPOIETIC_LOG_LEVEL: 'silent' } });
}

/** A memory dir whose path a shell would split (a space, a `$`), holding two mutation records. */
function spacedMemory(): { mem: string; file: string } {
  const mem = join(tempDir(), 'my memory $HOME');
  mkdirSync(mem);
  for (const goal of ['one', 'two']) expect(journal(['append', '--memory-dir', mem, '--goal', goal, '--phase', 'P0']).code).toBe(0);
  return { mem, file: join(mem, 'mutations.jsonl') };
}

/** The `mutation-journal ...` commands a hint spells, each run as a shell would run it when pasted. */
function pastedCommands(stderr: string): { command: string; code: number; stdout: string; stderr: string }[] {
  const hint = stderr.split('\n').find((l) => l.startsWith('hint: ')) ?? '';
  const commands = [...hint.matchAll(/`(mutation-journal [^`]+)`/g)].map((m) => m[1]!);
  expect(commands.length, `a command in ${JSON.stringify(hint)}`).toBeGreaterThan(0);
  const bin = join(REPO_ROOT, 'packages', 'mutation-journal', 'bin', 'mutation-journal.js');
  return commands.map((command) => {
    const r = spawnSync('sh', ['-c', `mutation_journal() { "${process.execPath}" "${bin}" "$@"; }; ${command.replace(/^mutation-journal /, 'mutation_journal ')}`], {
      encoding: 'utf8',
      env: { ...process.env, AUTOPOIETIC_LOG_LEVEL: 'silent' },
    });
    return { command, code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  });
}

/** Every pasted command worked on the ledger (its verdict names it): the shell split no path, nor expanded its `$HOME`. */
function expectPastable(stderr: string, file: string): void {
  for (const run of pastedCommands(stderr)) expect(run.stderr, run.command).toContain(`${file}: `);
}

describe('hints that spell a ledger command, for a ledger path with a space or a $', () => {
  it('append after a torn last line: the verify and repair commands can be pasted', () => {
    const { mem, file } = spacedMemory();
    appendFileSync(file, '{"schema_version":"0.1.0","mut');
    const r = journal(['append', '--memory-dir', mem, '--goal', 'three', '--phase', 'P0']);
    expect(r.stderr).toContain('error[ledger-torn-tail]');
    expectPastable(r.stderr, file);
  });

  it('append after a last line that is no chained record, list of a malformed or invalid line, lineage and checkpoint of a broken ledger', () => {
    const { mem, file } = spacedMemory();
    appendFileSync(file, '{}\n');
    const head = journal(['append', '--memory-dir', mem, '--goal', 'three', '--phase', 'P0']);
    expect(head.stderr).toContain('error[ledger-head-invalid]');
    expectPastable(head.stderr, file);

    const [first, second] = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, `not json\n${first}\n${second}\n`);
    for (const args of [['list', 'mutations'], ['lineage'], ['ledger', 'checkpoint', '--kind', 'mutations']]) {
      const r = journal([...args, '--memory-dir', mem]);
      expect(r.code, args.join(' ')).toBe(1);
      expectPastable(r.stderr, file);
    }

    const record = JSON.parse(first!);
    writeFileSync(file, `${JSON.stringify({ ...record, status: 'bogus' })}\n`);
    const invalid = journal(['list', 'mutations', '--memory-dir', mem]);
    expect(invalid.stderr).toContain('error[ledger-record-invalid]');
    expectPastable(invalid.stderr, file);
  });
});

describe('a ledger flag naming another kind\'s ledger file', () => {
  it('is a usage error before anything is read; it was called invalid (and sent to `ledger verify`, which reports it ok) or, missing, read as empty', () => {
    const { mem, file } = spacedMemory();
    expect(journal(['ledger', 'verify', '--path', file]).code).toBe(0);
    const missing = join(mem, 'mutation-results.jsonl');
    const cases: [string[], string, string][] = [
      [['organ', 'list', '--path', file], '--path', 'organ'],
      [['list', 'organs', '--path', file], '--path', 'organ'],
      [['organ', 'suggest', '--registry', file], '--registry', 'organ'],
      [['organ', 'review', '--measure', '--promotions', file], '--promotions', 'mutation-promotion'],
      [['organ', 'review', '--measure', '--generations', missing], '--generations', 'generation'],
    ];
    for (const [args, flag, schema] of cases) {
      const r = journal([...args, '--memory-dir', mem]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^error\\[ledger-kind-mismatch\\]: ${flag} .* is named as the (mutation|mutation-result) ledger, not the ${schema} ledger it reads\\n`));
    }
    expect(journal(['list', 'mutations', '--path', file]).code, 'its own name is fine').toBe(0);
  });
});

describe('organ update and retire of a name the registry does not hold', () => {
  it('hint with commands on the registry the flags chose: a bare `organ list` showed the default one', () => {
    const mem = join(tempDir(), 'my memory $HOME');
    mkdirSync(mem);
    const add = ['organ', 'add', '--memory-dir', mem, '--name', 'known', '--type', 'cli', '--source', 'packages/known', '--purpose', 'test'];
    expect(journal(add).code).toBe(0);
    for (const args of [['organ', 'update', 'ghost', '--purpose', 'x'], ['organ', 'retire', 'ghost', '--reason', 'gone']]) {
      const r = journal([...args, '--memory-dir', mem]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('error[organ-unknown]: no organ named "ghost" is registered');
      const [list, addCommand] = pastedCommands(r.stderr);
      expect(list?.command).toMatch(/^mutation-journal organ list --path '/);
      expect(list?.code).toBe(0);
      expect(JSON.parse(list!.stdout).map((o: { name: string }) => o.name)).toEqual(['known']);
      expect(addCommand?.command).toBe(`mutation-journal organ add --path ${list!.command.slice('mutation-journal organ list --path '.length)}`);
    }
  });
});
