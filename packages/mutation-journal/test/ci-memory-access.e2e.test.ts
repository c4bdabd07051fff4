import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';

/**
 * A CI job running as another user than the one who owns the memory directory (a checkout made
 * by root, a job step as a build user): every ledger in it is out of reach. The organ commands
 * said so with exit 2, a usage error, where list and ledger verify say exit 1: the flags were
 * right, the host was not. As root the commands run as nobody; otherwise the directory is
 * closed to this user.
 */
const root = process.getuid?.() === 0;

function asOther(args: string[]) {
  const bin = join(REPO_ROOT, 'packages', 'mutation-journal', 'bin', 'mutation-journal.js');
  const prefix = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const [command, ...rest] = [...prefix, process.execPath, bin, ...args];
  const r = spawnSync(command!, rest, { cwd: '/', env: testEnv({ HOME: '/nonexistent' }), encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('a memory directory this user may not enter', () => {

  it.each([
    ['organ list', ['organ', 'list']],
    ['organ review', ['organ', 'review']],
    ['organ suggest', ['organ', 'suggest']],
    ['organ add', ['organ', 'add', '--name', 'x', '--type', 'cli', '--source', 'x', '--purpose', 'p', '--created-by', 'ci']],
    ['organ retire', ['organ', 'retire', 'x', '--reason', 'r']],
  ])('%s fails with exit 1 (not a usage error), naming the registry and what to do', (_what, args) => {
    const { mem, organs } = setUp();
    try {
      const r = asOther([...args, '--memory-dir', mem]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error\\[ledger-unreadable\\]: cannot read the organ registry ${organs}: EACCES`));
      expect(r.stderr).toContain('hint: This user may not reach it');
      expect(r.stderr).toContain("Run as the memory directory's owner, fix its owner or mode, or point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at the memory this user keeps.");
      expect(r.stdout).toBe('');
    } finally {
      chmodSync(mem, 0o755);
    }
  });

  it('list and ledger verify exit 1 too: the same condition, the same code', () => {
    const { mem, organs } = setUp();
    try {
      const list = asOther(['list', 'organs', '--memory-dir', mem]);
      expect(list.code, list.stderr).toBe(1);
      expect(list.stderr).toContain('error[ledger-unreadable]');
      // verify reports on the ledger (as os-introspect's self-state does): unreadable, not broken.
      const verify = asOther(['ledger', 'verify', '--kind', 'organs', '--memory-dir', mem]);
      expect(verify.code, verify.stderr).toBe(1);
      expect(JSON.parse(verify.stdout)).toMatchObject({ path: organs, status: 'unreadable', errno: 'EACCES' });
      expect(verify.stderr).toContain(`ledger verify: ${organs}: unreadable, this user may not read it (EACCES)`);
      expect(verify.stderr).toContain('point --memory-dir (AUTOPOIETIC_MEMORY_DIR)');
    } finally {
      chmodSync(mem, 0o755);
    }
  });

  it.each([
    ['list', ['list', 'organs'], 'organs.jsonl'],
    ['append', ['append', '--goal', 'g', '--phase', 'P0'], 'mutations.jsonl'],
    ['lineage', ['lineage'], 'lineage.jsonl'],
    ['ledger repair', ['ledger', 'repair', '--kind', 'organs'], 'organs.jsonl'],
    ['ledger checkpoint', ['ledger', 'checkpoint', '--kind', 'organs'], 'organs.jsonl'],
  ])('%s gives the same remedy as the organ commands and ledger verify (it said only "check the path and its permissions")', (_what, args, file) => {
    const { mem } = setUp();
    try {
      const r = asOther([...args, '--memory-dir', mem]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`error[ledger-unreadable]: ledger ${join(mem, file)} cannot be read (EACCES)`);
      expect(r.stderr).toContain("hint: Run as the memory directory's owner, fix its owner or mode, or point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at the memory this user keeps.");
      expect(r.stdout).toBe('');
    } finally {
      chmodSync(mem, 0o755);
    }
  });
});

/** A fresh directory per test (made inside the test, so the test's clean-up removes it). */
function setUp(): { mem: string; organs: string } {
  const base = tempDir('aos-ci-access-');
  chmodSync(base, 0o755); // only the memory directory is closed
  const mem = join(base, 'memory');
  const organs = join(mem, 'organs.jsonl');
  mkdirSync(mem);
  writeFileSync(organs, '');
  chmodSync(mem, root ? 0o700 : 0o000);
  return { mem, organs };
}
