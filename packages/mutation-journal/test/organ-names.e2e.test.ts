import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRecord } from '@autopoietic/core/ledger';
import { runCli, runCliVia } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { journal } from './organ-fixtures.js';

/**
 * An organ name is shown on one line (tables, Markdown hand-offs, the HTML lineage), so a new
 * name with a control or invisible character is a usage error; names already in a registry stay
 * readable and can still be renamed or retired.
 */
const fields = ['--type', 'cli', '--source', 'pkgs/x', '--purpose', 'p'];

describe('organ names', () => {
  it.each([
    ['a line break', 'evil\nname', 'U+000A (a line break) at character 5'],
    ['a carriage return', 'evil\rname', 'U+000D (a line break) at character 5'],
    ['a tab', 'a\tb', 'U+0009 (a tab) at character 2'],
    ['an escape sequence', 'red\u001b[31m', 'U+001B (an escape character) at character 4'],
    ['a C1 control', 'x\u0085y', 'U+0085 (a line break) at character 2'],
    ['a line separator', 'x\u2028y', 'U+2028 (a line break) at character 2'],
    ['a bidi override', '\u202Egnp.exe', 'U+202E (an invisible formatting character) at character 1'],
    ['a zero-width space', 'hel\u200Blo', 'U+200B (an invisible formatting character) at character 4'],
    ['a BOM inside', 'hel\uFEFFlo', 'U+FEFF (an invisible formatting character) at character 4'],
  ])('refuses a name with %s at add, with exit 2 and nothing written', (_what, name, where) => {
    const mem = tempDir();
    const r = journal(['add', '--name', name, ...fields], mem);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[organ-name-invalid\]: organ name ".*" contains /);
    expect(r.stderr).toContain(` contains ${where}\n`);
    expect(r.stderr.split('\n')).toHaveLength(3); // the name is escaped: one error line, one hint line
    expect(r.stderr).toContain('hint: Pass a --name on one line without control or invisible characters');
    expect(journal(['list'], mem).json()).toEqual([]);
  });

  it('accepts names in any script, with spaces, emoji joiners and punctuation', () => {
    const mem = tempDir();
    for (const name of ['nix-fmt', 'Grüße Dienst', 'نیم\u200Cفاصله', '👩\u200D💻 dev', 'a/b:c (d)']) {
      const r = journal(['add', '--name', name, ...fields.slice(0, 2), '--source', `pkgs/${name.length}`, '--purpose', 'p'], mem);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json().name).toBe(name);
    }
  });

  it('refuses such a name as --rename too', () => {
    const mem = tempDir();
    expect(journal(['add', '--name', 'ok', ...fields], mem).code).toBe(0);
    const r = journal(['update', 'ok', '--rename', 'not\nok'], mem);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[organ-name-invalid]: organ name "not\\nok" contains U+000A (a line break) at character 4');
    expect(r.stderr).not.toContain('not\nok');
  });

  it('refuses such a name as a generation --changed-organ too (suggest and measure match it against the registry)', () => {
    const mem = tempDir();
    const r = runCli('mutation-journal', ['generation', '--memory-dir', mem, '--generation', 'g1', '--mutation-id', 'm', '--goal', 'g', '--changed-organ', 'ok', '--changed-organ', 'evil\nname'], { env: { AUTOPOIETIC_LOG_LEVEL: 'silent' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[organ-name-invalid]: organ name "evil\\nname" contains U+000A (a line break) at character 5\nhint: Pass a --changed-organ on one line');
    expect(existsSync(join(mem, 'generations.jsonl'))).toBe(false);
  });

  it('reads a registry that already holds such a name, and can rename or retire that organ', async () => {
    const mem = tempDir();
    const registry = join(mem, 'organs.jsonl');
    const old = { schema_version: '0.1.0', organ_id: 'org-20250101-000000-0123456789abcdef0123456789abcdef', event: 'add', type: 'cli', source: 's', purpose: 'p' };
    await appendRecord(registry, 'organ', { ...old, name: 'two\nlines' });
    await appendRecord(registry, 'organ', { ...old, organ_id: old.organ_id.replace('0123', '4567'), name: 'tab\tbed' });
    expect(journal(['list'], mem).json().map((o: { name: string }) => o.name)).toEqual(['two\nlines', 'tab\tbed']);
    expect(journal(['review'], mem).code).toBe(0);

    const renamed = journal(['update', 'two\nlines', '--rename', 'two-lines'], mem);
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(renamed.json()).toMatchObject({ name: 'two-lines', event: 'update' });
    const retired = journal(['retire', 'tab\tbed', '--reason', 'bad name'], mem);
    expect(retired.code, retired.stderr).toBe(0);
    expect(journal(['list'], mem).json().map((o: { name: string }) => o.name)).toEqual(['two-lines']);
    expect(readFileSync(registry, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it.each([
    ['a space and a quote', "it's mine", "mutation-journal organ update 'it'\\''s mine' ..."],
    ['a leading dash', '-dash', 'mutation-journal organ update ... -- -dash'],
  ])('names a name with %s in the organ-exists hint as a command that runs as pasted', (_what, name, command) => {
    const mem = tempDir();
    expect(journal(['add', '--name', name, ...fields], mem).code).toBe(0);
    const again = journal(['add', '--name', name, ...fields], mem);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`hint: Change it with \`${command}\`, or retire it first.`);
    // Paste it into a shell, with the flags in place of "...", and the bin in place of its name.
    const script = `"$@" ${command.replace('mutation-journal ', '').replace('...', `--usage-count 3 --memory-dir '${mem}'`)}`;
    const pasted = runCliVia(['sh', '-c', script, 'sh'], 'mutation-journal', []);
    expect(pasted.code, pasted.stderr).toBe(0);
    expect(pasted.json()).toMatchObject({ name, event: 'update', usage_count: 3 });
  });

  it('escapes a name given to update or retire in its error, which stays one line', () => {
    const mem = tempDir();
    expect(journal(['add', '--name', 'ok', ...fields], mem).code).toBe(0);
    for (const args of [['retire', 'gh\nost', '--reason', 'r'], ['update', 'gh\nost', '--usage-count', '1'], ['update', 'ok', '--id', 'org\nx', '--usage-count', '1']]) {
      const r = journal(args, mem);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error\[organ-unknown\]: no (current )?organ named "(gh\\nost|ok)" (is registered|has id "org\\nx")\nhint: /);
      expect(r.stderr.split('\n')).toHaveLength(3);
    }
  });
});

describe('the <name> argument of organ update and retire', () => {
  it.each([
    ['an empty name to update, with no flag', ['update', ''], 'update', 'an empty name'],
    ['an empty name to update, with a field flag', ['update', '', '--purpose', 'x'], 'update', 'an empty name'],
    ['spaces to update', ['update', '   ', '--purpose', 'x'], 'update', 'the blank name "   "'],
    ['an empty name to retire', ['retire', '', '--reason', 'r'], 'retire', 'an empty name'],
    ['a tab, a space and a line break to retire', ['retire', '\t \n', '--reason', 'r'], 'retire', 'the blank name "\\t \\n"'],
  ])('refuses %s as a usage error (exit 2), not as an unknown organ, and writes nothing', (_what, args, verb, given) => {
    const mem = tempDir();
    expect(journal(['add', '--name', 'ok', ...fields], mem).code).toBe(0);
    const registry = join(mem, 'organs.jsonl');
    const before = readFileSync(registry, 'utf8');
    const r = journal(args, mem);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error[organ-name-blank]: organ ${verb} needs the name of a current organ, got ${given}\n` +
        `hint: Pass the organ's name as the argument, e.g. \`mutation-journal organ ${verb} <name> ...\`; \`mutation-journal organ list --path ${registry}\` shows the names.\n`,
    );
    expect(readFileSync(registry, 'utf8')).toBe(before);
  });
});

describe('whitespace around a name', () => {
  it('is not part of it: add stores the name trimmed, and update, retire and add find that organ through a stray space', () => {
    const mem = tempDir();
    const added = journal(['add', '--name', '  backup\t', ...fields], mem);
    expect(added.code, added.stderr).toBe(0);
    expect(added.json()).toMatchObject({ event: 'add', name: 'backup' });
    const again = journal(['add', '--name', 'Backup ', ...fields], mem);
    expect([again.code, again.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(/^error\[organ-exists\]: /)]);
    const updated = journal(['update', ' backup ', '--purpose', 'nightly'], mem);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.json()).toMatchObject({ event: 'update', name: 'backup', purpose: 'nightly' });
    const retired = journal(['retire', 'backup\n', '--reason', 'replaced'], mem);
    expect(retired.code, retired.stderr).toBe(0);
    expect(retired.json()).toMatchObject({ event: 'retire', name: 'backup' });
    expect(journal(['list'], mem).json()).toEqual([]);
  });

  it('in a line written by hand is not part of the name either', async () => {
    const mem = tempDir();
    const registry = join(mem, 'organs.jsonl');
    await appendRecord(registry, 'organ', { schema_version: '0.1.0', organ_id: 'org-20250101-000000-0123456789abcdef0123456789abcdef', event: 'add', name: ' hand ', type: 'cli', source: 's', purpose: 'p' });
    const again = journal(['add', '--name', 'hand', ...fields], mem);
    expect([again.code, again.stderr.split('\n')[0]]).toEqual([2, expect.stringMatching(/^error\[organ-exists\]: /)]);
    const r = journal(['retire', 'hand', '--reason', 'typed with spaces'], mem);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ event: 'retire', name: ' hand ' });
  });
});
