import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

function journal(args: string[], env: Record<string, string> = {}) {
  return runCli('mutation-journal', args, { env: { AUTOPOIETIC_LOG_LEVEL: 'silent', ...env } });
}

/** A memory dir with `n` mutation records (and one effect), through the CLI. */
function memoryWith(n: number): { mem: string; file: string; lines: string[] } {
  const mem = tempDir();
  for (let i = 1; i <= n; i++) expect(journal(['append', '--memory-dir', mem, '--goal', `goal ${i}`, '--phase', 'P0']).code).toBe(0);
  expect(journal(['effect', '--memory-dir', mem, '--mutation-id', 'm', '--type', 't', '--target', 'x']).code).toBe(0);
  const file = join(mem, 'mutations.jsonl');
  return { mem, file, lines: readFileSync(file, 'utf8').trimEnd().split('\n') };
}

describe('ledger verify', () => {
  it('checks every ledger of the memory dir by default (missing ones are empty, not errors)', () => {
    const { mem } = memoryWith(2);
    const r = journal(['ledger', 'verify', '--memory-dir', mem]);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ memory_dir: mem, status: 'ok' });
    const byFile = Object.fromEntries(out.ledgers.map((l: { path: string; status: string; lines: number }) => [l.path.slice(mem.length + 1), [l.status, l.lines]]));
    expect(byFile).toMatchObject({ 'mutations.jsonl': ['ok', 2], 'effects.jsonl': ['ok', 1], 'generations.jsonl': ['missing', 0], 'organs.jsonl': ['missing', 0] });
    expect(journal(['ledger', 'verify', '--all', '--memory-dir', mem]).json()).toEqual({ ...out, ledgers: expect.any(Array) });
  });

  it('reports one ledger by --kind or --path, with counts and the head digest', () => {
    const { mem, file } = memoryWith(3);
    const byKind = journal(['ledger', 'verify', '--kind', 'mutations', '--memory-dir', mem]);
    expect(byKind.code).toBe(0);
    expect(byKind.json()).toMatchObject({ path: file, status: 'ok', schema: 'mutation', lines: 3, head: { seq: 3, line: 3, digest: expect.stringMatching(/^sha256:/) } });
    expect(journal(['ledger', 'verify', '--path', file]).json()).toEqual(byKind.json());
  });

  it('checks a renamed ledger against the schema named by --kind', () => {
    const { file } = memoryWith(1);
    const copy = join(tempDir(), 'copy.jsonl');
    writeFileSync(copy, readFileSync(file));
    expect(journal(['ledger', 'verify', '--path', copy]).json().schema).toBeNull();
    expect(journal(['ledger', 'verify', '--path', copy, '--kind', 'mutations']).json().schema).toBe('mutation');
    const wrong = journal(['ledger', 'verify', '--path', copy, '--kind', 'effects']);
    expect(wrong.code).toBe(1);
    expect(wrong.json().problems[0]).toMatchObject({ line: 1, kind: 'schema' });
  });

  it('fails for a --path that does not exist', () => {
    const r = journal(['ledger', 'verify', '--path', join(tempDir(), 'nope.jsonl')]);
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('missing');
    expect(r.stderr).toMatch(/no such ledger/);
  });

  it.each([
    ['an edited line', (ls: string[]) => { ls[1] = ls[1]!.replace('goal 2', 'goal two'); }, 2, 'edited'],
    ['a deleted line', (ls: string[]) => void ls.splice(2, 1), 3, 'deleted'],
    ['two swapped lines', (ls: string[]) => { [ls[2], ls[3]] = [ls[3]!, ls[2]!]; }, 3, 'reordered'],
    ['an inserted line', (ls: string[]) => void ls.splice(1, 0, ls[3]!), 2, 'inserted'],
  ])('detects %s and names it by line (exit 1, report first)', (_what, tamper, line, kind) => {
    const { file, lines } = memoryWith(5);
    tamper(lines);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = journal(['ledger', 'verify', '--path', file]);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'broken', problems: [{ line, kind }] });
    expect(r.json().problems).toHaveLength(1);
    expect(r.stderr).toContain(`first at line ${line}: ${kind}`);
  });

  it('detects truncation after a checkpoint, and --checkpoint requires one', () => {
    const { mem, file, lines } = memoryWith(4);
    expect(journal(['ledger', 'verify', '--kind', 'mutations', '--memory-dir', mem, '--checkpoint']).code).toBe(1);
    // A ledger named explicitly needs its checkpoint even before it exists: that is what is missing, not the ledger.
    const absent = journal(['ledger', 'verify', '--path', join(tempDir(), 'mutations.jsonl'), '--checkpoint'], { AUTOPOIETIC_LOG_LEVEL: 'warn' });
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/error\[checkpoint-unreadable\].*mutations\.jsonl\.checkpoint\.json/);
    const cp = journal(['ledger', 'checkpoint', '--kind', 'mutations', '--memory-dir', mem]);
    expect(cp.code).toBe(0);
    expect(cp.json()).toMatchObject({ ledger: file, checkpoint_path: `${file}.checkpoint.json`, checkpoint: { seq: 4, ledger: 'mutations.jsonl' } });
    expect(journal(['ledger', 'verify', '--kind', 'mutations', '--memory-dir', mem, '--checkpoint']).code).toBe(0);
    writeFileSync(file, `${lines.slice(0, 3).join('\n')}\n`);
    const r = journal(['ledger', 'verify', '--memory-dir', mem]);
    expect(r.code).toBe(1);
    expect(r.json().status, 'one broken ledger makes the memory dir broken').toBe('broken');
    const mutations = r.json().ledgers.find((l: { path: string }) => l.path === file);
    expect(mutations).toMatchObject({ status: 'broken', problems: [{ kind: 'truncated' }], checkpoint: { status: 'truncated', seq: 4 } });
  });

  it('names a required checkpoint that is missing, and the command that takes it for this ledger (it said ENOENT and --path <ledger>)', () => {
    const { mem, file } = memoryWith(2);
    const own = journal(['ledger', 'verify', '--kind', 'mutations', '--memory-dir', mem, '--checkpoint']);
    expect(own.code).toBe(1);
    expect(own.stderr).toContain(`error[checkpoint-unreadable]: there is no ledger checkpoint ${file}.checkpoint.json for ${file}\n`);
    expect(own.stderr).toContain(`hint: Take one with \`mutation-journal ledger checkpoint --path ${file}\` (once the ledger verifies)`);
    const offsite = join(tempDir(), 'off site.json');
    const named = journal(['ledger', 'verify', '--path', file, '--checkpoint', offsite]);
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`error[checkpoint-unreadable]: there is no ledger checkpoint ${offsite} for ${file}\n`);
    expect(named.stderr).toContain(`\`mutation-journal ledger checkpoint --path ${file} --to '${offsite}'\``);
  });

  it('writes a checkpoint elsewhere with --to and checks against it with --checkpoint <file>', () => {
    const { file } = memoryWith(2);
    const elsewhere = join(tempDir(), 'offsite.json');
    expect(journal(['ledger', 'checkpoint', '--path', file, '--to', elsewhere]).code).toBe(0);
    expect(existsSync(`${file}.checkpoint.json`)).toBe(false);
    expect(journal(['ledger', 'verify', '--path', file, '--checkpoint', elsewhere]).json().checkpoint).toMatchObject({ path: elsewhere, status: 'ok' });
  });

  it.each([
    [['ledger', 'verify', '--all', '--kind', 'mutations'], /--all cannot be combined/],
    [['ledger', 'verify', '--kind', 'nope'], /unknown ledger kind "nope"; allowed: mutations, effects/],
    [['ledger', 'verify', '--checkpoint', '/tmp/x.json'], /--checkpoint <file> names one checkpoint/],
    [['ledger', 'repair'], /ledger repair needs --path <file> or --kind <kind>/],
    [['ledger', 'checkpoint', '--all'], /--all is not accepted|unknown option '--all'/],
  ])('refuses %j with exit 2', (args, message) => {
    const r = journal([...args, '--memory-dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('ledger repair and checkpoint', () => {
  it('repairs nothing on a healthy ledger (exit 0) and quarantines a torn tail', () => {
    const { file } = memoryWith(2);
    expect(journal(['ledger', 'repair', '--path', file]).json()).toMatchObject({ repaired: false, report: { status: 'ok' } });
    writeFileSync(file, '{"torn', { flag: 'a' });
    const r = journal(['ledger', 'repair', '--path', file]);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(readFileSync(out.quarantine, 'utf8')).toBe('{"torn');
    // The verdict on stderr names the torn line (the third: two records before it), its size and where it went.
    expect(out).toMatchObject({ repaired: true, line: 3, bytes: 6 });
    expect(r.stderr).toBe(`ledger repair: ${file}: moved the torn tail (line 3, 6 bytes) to ${out.quarantine}\n`);
  });

  it('exits 1 when damage other than a torn tail remains', () => {
    const { file, lines } = memoryWith(3);
    lines[0] = lines[0]!.replace('goal 1', 'goal one');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = journal(['ledger', 'repair', '--path', file]);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ repaired: false, report: { status: 'broken' } });
    expect(r.stderr).toMatch(/only a torn tail is repaired/);
  });

  it('refuses a --to that names a ledger (this one, another kind\'s, any .jsonl), a directory or nothing, with exit 2', () => {
    const { mem, file } = memoryWith(2);
    const before = readFileSync(file, 'utf8');
    const cases: Array<[string, RegExp]> = [
      [file, /--to .*mutations\.jsonl is the ledger itself/],
      [join(mem, '.', 'mutations.jsonl'), /is the ledger itself/],
      [join(mem, 'generations.jsonl'), /--to .*generations\.jsonl names a JSONL ledger file/],
      [join(mem, 'effects.jsonl'), /names a JSONL ledger file/],
      [mem, /--to .* is a directory/],
      ['', /--to must not be empty/],
    ];
    for (const [to, message] of cases) {
      const r = journal(['ledger', 'checkpoint', '--kind', 'mutations', '--memory-dir', mem, '--to', to]);
      expect(r.code, to).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(existsSync(join(mem, 'generations.jsonl'))).toBe(false);
    expect(journal(['ledger', 'verify', '--memory-dir', mem]).code).toBe(0);
  });

  it('refuses to checkpoint a broken ledger', () => {
    const { file } = memoryWith(1);
    writeFileSync(file, 'garbage\n{"x":1}\n', { flag: 'a' });
    const r = journal(['ledger', 'checkpoint', '--path', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[checkpoint-refused\]/);
    expect(existsSync(`${file}.checkpoint.json`)).toBe(false);
  });
});

describe('list', () => {
  function seeded(): string {
    const mem = tempDir();
    const a = (args: string[]) => expect(journal([...args, '--memory-dir', mem]).code).toBe(0);
    a(['append', '--mutation-id', 'mut-a', '--goal', 'A', '--phase', 'P0']);
    a(['append', '--mutation-id', 'mut-b', '--goal', 'B', '--phase', 'P0', '--status', 'accepted']);
    a(['append', '--mutation-id', 'mut-a', '--goal', 'A', '--phase', 'P1', '--status', 'accepted']);
    a(['generation', '--generation', 'g1', '--mutation-id', 'mut-a', '--goal', 'A', '--lineage-status', 'planned']);
    return mem;
  }

  it('prints every record as a JSON array in file order, the same bytes as a pretty array', () => {
    const mem = seeded();
    const r = journal(['list', 'mutations', '--memory-dir', mem]);
    expect(r.code).toBe(0);
    const recs = r.json();
    expect(recs.map((x: { mutation_id: string }) => x.mutation_id)).toEqual(['mut-a', 'mut-b', 'mut-a']);
    expect(r.stdout).toBe(`${JSON.stringify(recs, null, 2)}\n`);
  });

  it('refuses a torn final line whose writer is gone in JSON (an array cannot say it is incomplete); the table lists the whole records and warns', () => {
    const mem = seeded();
    const file = join(mem, 'mutations.jsonl');
    writeFileSync(file, '{"torn', { flag: 'a' });
    const r = journal(['list', 'mutations', '--memory-dir', mem], { AUTOPOIETIC_LOG_LEVEL: 'warn' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[ledger-torn-tail]: ${file}:4: the last line is incomplete (an interrupted append)`);
    expect(r.stderr).toContain(`mutation-journal ledger repair --path ${file}`);
    const table = journal(['list', 'mutations', '--format', 'table', '--memory-dir', mem], { AUTOPOIETIC_LOG_LEVEL: 'warn' });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(4); // header + 3 records
    expect(table.stderr).toMatch(/skipping a torn final line.*mutation-journal ledger repair/);
  });

  it('filters by --mutation-id, --status and --since, combined', () => {
    const mem = seeded();
    const ids = (args: string[]) => journal(['list', ...args, '--memory-dir', mem]).json().map((x: { chain: { seq: number } }) => x.chain.seq);
    expect(ids(['mutations', '--mutation-id', 'mut-a'])).toEqual([1, 3]);
    expect(ids(['mutations', '--status', 'accepted'])).toEqual([2, 3]);
    expect(ids(['mutations', '--status', 'accepted', '--mutation-id', 'mut-a'])).toEqual([3]);
    expect(ids(['generations', '--status', 'planned'])).toEqual([1]);
    expect(ids(['mutations', '--since', '2000-01-01'])).toEqual([1, 2, 3]);
    expect(ids(['mutations', '--since', '2999-01-01T00:00:00Z'])).toEqual([]);
    expect(journal(['list', 'mutations', '--since', '2999-01-01', '--memory-dir', mem]).stdout).toBe('[]\n');
  });

  it('prints a table with --format table', () => {
    const r = journal(['list', 'mutations', '--format', 'table', '--memory-dir', seeded()]);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^SEQ\s+TIMESTAMP\s+MUTATION_ID\s+STATUS\s+PHASE\s+GOAL$/);
    expect(rows).toHaveLength(4);
    expect(rows[2]).toMatch(/^2\s+\S+\s+mut-b\s+accepted\s+P0\s+B$/);
  });

  it('filters the table as it filters JSON', () => {
    const r = journal(['list', 'mutations', '--format', 'table', '--status', 'accepted', '--mutation-id', 'mut-a', '--memory-dir', seeded()]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(/^3\s+\S+\s+mut-a\s+accepted\s+P1\s+A$/);
  });

  it('lines up table columns by terminal width (wide and combining characters) and cuts long cells between graphemes', () => {
    const mem = tempDir();
    expect(journal(['append', '--memory-dir', mem, '--phase', '构建', '--goal', 'wide']).code).toBe(0);
    expect(journal(['append', '--memory-dir', mem, '--phase', 'e\u0301t', '--goal', 'combining']).code).toBe(0);
    expect(journal(['append', '--memory-dir', mem, '--phase', 'P0', '--goal', '长'.repeat(40)]).code).toBe(0);
    const rows = journal(['list', 'mutations', '--format', 'table', '--memory-dir', mem]).stdout.trimEnd().split('\n');
    // PHASE is 5 cells wide: 构建 takes 4 cells, é (e + U+0301) t 2, P0 2.
    expect(rows[1]).toMatch(/ 构建 {3}wide$/);
    expect(rows[2]).toMatch(/ e\u0301t {5}combining$/);
    // 40 wide characters are 80 cells: cut to 29 of them (58 cells) and the ellipsis.
    expect(rows[3]).toMatch(new RegExp(` P0 {5}${'长'.repeat(29)}…$`));
  });

  it('prints a goal with terminal escapes in a table as \\u escapes, not as escapes the terminal runs', () => {
    const mem = tempDir();
    const goal = 'evil\u001b[2J\u001b]0;pwned\u0007 \u202egnp.exe';
    expect(journal(['append', '--memory-dir', mem, '--phase', 'P0', '--goal', goal]).code).toBe(0);
    const r = journal(['list', 'mutations', '--format', 'table', '--memory-dir', mem]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(r.stdout).toContain('evil\\u001b[2J\\u001b]0;pwned\\u0007 \\u202egnp.exe');
  });

  it('reads --path, and the genome of --root', () => {
    const genome = tempDir();
    writeFileSync(join(genome, 'flake.nix'), '{ }\n');
    expect(journal(['append', '--root', genome, '--goal', 'G', '--phase', 'P0']).code).toBe(0);
    const file = join(genome, 'memory', 'mutations.jsonl');
    expect(journal(['list', 'mutations', '--path', file]).json()).toHaveLength(1);
    expect(journal(['list', 'mutations', '--root', genome]).json()).toHaveLength(1);
    const v = journal(['ledger', 'verify', '--root', genome]);
    expect(v.code).toBe(0);
    expect(v.json().memory_dir).toBe(join(genome, 'memory'));
  });

  it('lists a missing ledger as empty', () => {
    expect(journal(['list', 'organs', '--memory-dir', tempDir()]).stdout).toBe('[]\n');
  });

  it('fails before printing anything when a line is malformed', () => {
    const mem = seeded();
    writeFileSync(join(mem, 'mutations.jsonl'), 'not json\n', { flag: 'a' });
    writeFileSync(join(mem, 'mutations.jsonl'), `${readFileSync(join(mem, 'mutations.jsonl'), 'utf8')}{"x":1}\n`);
    const r = journal(['list', 'mutations', '--memory-dir', mem]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${join(mem, 'mutations.jsonl')}:4: line is not valid JSON`);
  });

  it.each([
    [['list', 'nope'], /unknown ledger kind "nope"; allowed: mutations, effects, generations/],
    [['list', 'effects', '--status', 'pending'], /--status does not apply to effects/],
    [['list', 'organs', '--mutation-id', 'x'], /--mutation-id does not apply to organs/],
    [['list', 'mutations', '--status', 'done'], /--status "done" is not a mutations status; allowed: pending, accepted, failed, reverted/],
    [['list', 'mutations', '--since', 'yesterday'], /--since "yesterday" is not a date/],
    [['list', 'mutations', '--format', 'yaml'], /Allowed choices are json, table/],
    [['list'], /missing required argument 'kind'/],
  ])('refuses %j with exit 2', (args, message) => {
    const r = journal([...args, '--memory-dir', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('a ledger that is not a readable file', () => {
  // Core's readers pass such errors through as they are: each command said error[internal]
  // ("EISDIR: illegal operation on a directory, read", without the path).
  it.each([
    ['a directory', (file: string) => mkdirSync(file)],
    ['a symlink loop', (file: string) => symlinkSync(file, file)],
  ])('is named, with a hint and exit 1, by every command that reads it: %s', (_label, make) => {
    const mem = tempDir();
    const file = join(mem, 'mutations.jsonl');
    make(file);
    for (const args of [
      ['ledger', 'verify'],
      ['ledger', 'verify', '--path', file],
      ['ledger', 'repair', '--kind', 'mutations'],
      ['ledger', 'checkpoint', '--kind', 'mutations'],
      ['list', 'mutations'],
      ['lineage'],
    ]) {
      const r = journal([...args, '--memory-dir', mem]);
      expect([r.code, r.stdout], args.join(' ')).toEqual([1, '']);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^error\\[ledger-(not-a-file|unreadable)\\]: ledger ${file} `));
      expect(r.stderr).toContain('hint: ');
    }
  });
});
