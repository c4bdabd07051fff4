import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

function journal(args: string[]) {
  return runCli('mutation-journal', args, { env: { AUTOPOIETIC_LOG_LEVEL: 'silent' } });
}

/** A memory dir with one organ (a ledger lineage does not read) and one mutation. */
function memory(): { mem: string; organs: string; before: Buffer } {
  const mem = tempDir();
  expect(journal(['organ', 'add', '--memory-dir', mem, '--name', 'o', '--type', 'cli', '--source', 's', '--purpose', 'p']).code).toBe(0);
  expect(journal(['append', '--memory-dir', mem, '--goal', 'g', '--phase', 'P0']).code).toBe(0);
  const organs = join(mem, 'organs.jsonl');
  return { mem, organs, before: readFileSync(organs) };
}

describe('lineage --output', () => {
  it('never replaces a ledger lineage does not read (the organ registry was overwritten with the page, exit 0)', () => {
    const { mem, organs, before } = memory();
    const r = journal(['lineage', '--memory-dir', mem, '--format', 'html', '--output', organs]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[output-is-ledger]: --output ${organs} names a ledger file (organs.jsonl): refusing to overwrite or create a ledger with other content`);
    expect(readFileSync(organs)).toEqual(before);
  });

  it('refuses any ledger-like name, existing or not, or reached through a symlink', () => {
    const { mem, organs, before } = memory();
    symlinkSync(organs, join(mem, 'view.html'));
    for (const out of ['later.jsonl', 'mutations.jsonl.checkpoint.json', 'organs.jsonl.lock', 'view.html']) {
      const r = journal(['lineage', '--memory-dir', mem, '--output', join(mem, out)]);
      expect(r.code, out).toBe(2);
      expect(r.stderr, out).toContain('error[output-is-ledger]');
    }
    expect(existsSync(join(mem, 'later.jsonl'))).toBe(false);
    expect(readFileSync(organs)).toEqual(before);
  });

  it('refuses an empty value or a directory as a usage error, and still writes a plain file', () => {
    const { mem } = memory();
    const blank = journal(['lineage', '--memory-dir', mem, '--output', '']);
    expect(blank.code).toBe(2);
    expect(blank.stderr).toContain('error[flag-blank]: --output must not be empty');
    const dir = join(mem, 'views');
    mkdirSync(dir);
    const intoDir = journal(['lineage', '--memory-dir', mem, '--output', dir]);
    expect(intoDir.code).toBe(2);
    expect(intoDir.stderr).toContain(`error[output-is-directory]: --output ${dir} is a directory\nhint: Name a file in it, e.g. --output ${join(dir, 'lineage.html')}.`);
    const ok = journal(['lineage', '--memory-dir', mem, '--format', 'dot', '--output', join(dir, 'lineage.dot')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(join(dir, 'lineage.dot'), 'utf8')).toMatch(/^digraph /);
  });

  it('refuses a missing directory or a file on the way before reading the ledgers (exit 2; it failed after rendering, exit 1)', () => {
    const { mem } = memory();
    const missing = join(mem, 'views', 'lineage.html');
    const r = journal(['lineage', '--memory-dir', mem, '--output', missing]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[output-parent-missing]: --output ${missing}: its directory ${join(mem, 'views')} does not exist\nhint: Create it first (mkdir -p ${join(mem, 'views')}), or write to an existing directory.`);
    writeFileSync(join(mem, 'notes'), 'a file\n');
    const under = join(mem, 'notes', 'lineage.html');
    const u = journal(['lineage', '--memory-dir', mem, '--output', under]);
    expect(u.code, u.stderr).toBe(2);
    expect(u.stdout).toBe('');
    expect(u.stderr).toContain(`error[output-parent-not-directory]: --output ${under}: ${join(mem, 'notes')} is not a directory, so no file can be made under it`);
    expect(readdirSync(mem).sort()).toEqual(['mutations.jsonl', 'notes', 'organs.jsonl']);
  });
});
