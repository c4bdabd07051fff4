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
    expect(r.stderr).toMatch(/^error\[ledger-not-a-file\]: ledger \/proc\/self\/\w+ is on procfs, a kernel pseudo-filesystem, not a ledger file\nhint: /);
  });
});
