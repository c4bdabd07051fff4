import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

function journal(args: string[]) {
  return runCli('mutation-journal', args, { cwd: tempDir(), env: { AUTOPOIETIC_LOG_LEVEL: 'silent' } });
}

describe('a ledger path on a kernel pseudo-filesystem', () => {
  // /proc/self/status is a "regular file" of size 0: it verified as an empty, healthy ledger (exit 0) and listed as [].
  it.each([
    ['verify', ['ledger', 'verify', '--path', '/proc/self/status']],
    ['list', ['list', 'mutations', '--path', '/proc/self/status']],
    ['organ list', ['organ', 'list', '--path', '/proc/self/status']],
    ['repair', ['ledger', 'repair', '--path', '/proc/self/cmdline']],
    ['checkpoint', ['ledger', 'checkpoint', '--path', '/proc/self/cmdline']],
  ])('is refused by %s, naming the filesystem (exit 1)', (_what, args) => {
    const r = journal(args);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[ledger-not-a-file\]: ledger \/proc\/self\/\w+ is on proc, a kernel pseudo-filesystem, not a ledger file\nhint: /);
  });
});

describe('a ledger lock path that is not a lock file', () => {
  // A dangling symlink: link() said EEXIST, reading through it said ENOENT ("gone"), and the
  // lock loop retried that without ever yielding: append spun at full CPU until killed.
  it.each([
    ['a dangling symlink', (lock: string) => symlinkSync('/nonexistent/lock', lock), 'a symlink (to /nonexistent/lock)'],
    ['a symlink loop', (lock: string) => symlinkSync(lock, lock), 'a symlink'],
    ['a directory', (lock: string) => mkdirSync(lock), 'a directory'],
  ])('is %s: append fails at once naming it, and nothing is written', (_what, make, what) => {
    const mem = tempDir();
    const ledger = join(mem, 'mutations.jsonl');
    make(`${ledger}.lock`);
    const r = runCli('mutation-journal', ['append', '--memory-dir', mem, '--goal', 'g', '--phase', 'P0'], { env: { AUTOPOIETIC_LOG_LEVEL: 'silent' }, timeoutMs: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[ledger-lock-failed]: the ledger lock ${ledger}.lock is ${what}`);
    expect(r.stderr).toContain(`hint: Remove ${ledger}.lock`);
    expect(existsSync(ledger)).toBe(false);
    expect(readdirSync(mem).filter((f) => f.includes('.owner-'))).toEqual([]);
  });
});
