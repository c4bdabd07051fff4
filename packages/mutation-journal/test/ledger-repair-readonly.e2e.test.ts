import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';

/**
 * `ledger repair` by a user who may read the memory directory but not write to it (a CI step, an
 * operator checking a host's memory). It took the ledger lock before reading anything, so even an
 * intact ledger failed with "cannot create the ledger lock". An intact ledger needs no lock and no
 * write; only a torn tail does, and then the refusal names the remedy and changes nothing. As
 * root the command runs as nobody; otherwise the directory is made read-only for this user.
 */
const root = process.getuid?.() === 0;

function asOther(args: string[], env: Record<string, string> = {}) {
  const bin = join(REPO_ROOT, 'packages', 'mutation-journal', 'bin', 'mutation-journal.js');
  const prefix = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const [command, ...rest] = [...prefix, process.execPath, bin, ...args];
  const r = spawnSync(command!, rest, { cwd: '/', env: testEnv({ HOME: '/nonexistent', ...env }), encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A memory dir holding a mutations ledger of two records, then `damage` applied; then the
 * directory (or, with `only: 'file'`, only the ledger) is made read-only for the other user.
 */
function readOnlyMemory(damage: (file: string) => void = () => {}, only: 'dir' | 'file' = 'dir') {
  const base = tempDir('aos-repair-ro-');
  const mem = join(base, 'memory');
  for (const goal of ['one', 'two']) expect(runCli('mutation-journal', ['append', '--memory-dir', mem, '--goal', goal, '--phase', 'P0']).code).toBe(0);
  const file = join(mem, 'mutations.jsonl');
  damage(file);
  chmodSync(base, 0o755);
  // As root the other user is nobody, who may write to neither a 0755 directory nor a 0644 file of root's.
  chmodSync(file, only === 'file' && !root ? 0o444 : 0o644);
  chmodSync(mem, only === 'file' ? 0o777 : root ? 0o755 : 0o555);
  return { mem, file, bytes: readFileSync(file), names: readdirSync(mem).sort() };
}

describe('ledger repair in a memory directory this user may not write to', () => {
  it('reads an intact ledger and reports nothing to repair (exit 0), taking no lock and writing nothing', () => {
    const { mem, file, bytes, names } = readOnlyMemory();
    try {
      const r = asOther(['ledger', 'repair', '--kind', 'mutations', '--memory-dir', mem]);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ path: file, repaired: false, report: { status: 'ok', lines: 2 } });
      expect(r.stderr).toBe(`ledger repair: ${file}: nothing to repair (the ledger is intact)\n`);
      expect(readdirSync(mem).sort()).toEqual(names);
      expect(readFileSync(file)).toEqual(bytes);
    } finally {
      chmodSync(mem, 0o755);
    }
  });

  it('reports damage other than a torn tail (exit 1) without needing the lock', () => {
    const { mem, names } = readOnlyMemory((file) => writeFileSync(file, readFileSync(file, 'utf8').replace('"one"', '"uno"')));
    try {
      const r = asOther(['ledger', 'repair', '--kind', 'mutations', '--memory-dir', mem]);
      expect(r.code, r.stderr).toBe(1);
      expect(JSON.parse(r.stdout)).toMatchObject({ repaired: false, report: { status: 'broken' } });
      expect(r.stderr).toMatch(/only a torn tail is repaired/);
      expect(r.stderr).not.toContain('lock');
      expect(readdirSync(mem).sort()).toEqual(names);
    } finally {
      chmodSync(mem, 0o755);
    }
  });

  it('refuses a torn tail it may not repair with the permission remedy (exit 1), changing nothing', () => {
    const { mem, file, bytes, names } = readOnlyMemory((f) => writeFileSync(f, '{"torn', { flag: 'a' }));
    try {
      const r = asOther(['ledger', 'repair', '--kind', 'mutations', '--memory-dir', mem]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^error\\[ledger-lock-failed\\]: cannot repair ${file}: its torn tail \\(line 3\\) is moved out under the ledger lock, which could not be taken: cannot create the ledger lock ${file}.lock: EACCES`));
      expect(r.stderr).toContain('hint: This user may not write there (EACCES)');
      expect(readdirSync(mem).sort()).toEqual(names);
      expect(readFileSync(file)).toEqual(bytes);
    } finally {
      chmodSync(mem, 0o755);
    }
  });
});

describe('ledger repair of a ledger file this user may not write to', () => {
  it('refuses before writing a quarantine file, so a retry finds the same ledger and no stray copy', () => {
    // The directory is writable (the lock and a quarantine file can be made), the ledger is not:
    // the quarantine copy was written, then the truncation failed, and every retry left another.
    const { mem, file, bytes, names } = readOnlyMemory((f) => writeFileSync(f, '{"torn', { flag: 'a' }), 'file');
    try {
      const r = asOther(['ledger', 'repair', '--kind', 'mutations', '--memory-dir', mem]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error\\[ledger-unwritable\\]: cannot repair ${file}: this user may not write to it \\(EACCES\\); nothing was changed`));
      expect(r.stderr).toContain("hint: Run the repair as the ledger's owner, or fix its owner or mode");
      expect(readdirSync(mem).sort()).toEqual(names);
      expect(readFileSync(file)).toEqual(bytes);
    } finally {
      chmodSync(mem, 0o755);
    }
  });
});
