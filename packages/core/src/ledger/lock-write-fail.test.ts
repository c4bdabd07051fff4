import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../tests/support/cli.js';
import { tempDir } from '../../../../tests/support/tmp.js';

// The lock's owner record under a write that stops short (a file-size limit, as a full disk
// would): RLIMIT_FSIZE via prlimit, which needs no root. Node ignores SIGXFSZ, so the write
// returns short, then fails with EFBIG.

const TAKE = `
import { readFileSync } from 'node:fs';
import { acquireLock, lockPathFor } from './packages/core/src/ledger/lock.ts';
const ledger = process.argv[1];
try {
  const lock = await acquireLock(ledger, { timeoutMs: 0 });
  process.stdout.write(JSON.stringify({ taken: readFileSync(lockPathFor(ledger), 'utf8') }));
  lock.release();
} catch (e) {
  process.stdout.write(JSON.stringify({ code: e.code, message: e.message }));
}
`;

function takeLockLimited(ledger: string, maxFileBytes: number): { taken?: string; code?: string; message?: string } {
  const r = spawnSync('prlimit', [`--fsize=${maxFileBytes}`, process.execPath, '--import', 'tsx', '--input-type=module', '-e', TAKE, ledger], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('ledger lock when its owner record cannot be written whole', () => {
  it('is not taken (a lock nobody can read is broken as stale by the next process 5 s later), and leaves no file', () => {
    const dir = tempDir();
    const ledger = join(dir, 'mutations.jsonl');
    const out = takeLockLimited(ledger, 40);
    expect(out.taken).toBeUndefined();
    expect(out.code).toBe('ledger-lock-failed');
    expect(out.message).toContain('40 of');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is taken, with its whole owner record, when the limit leaves room', () => {
    const ledger = join(tempDir(), 'mutations.jsonl');
    const out = takeLockLimited(ledger, 4096);
    expect(JSON.parse(out.taken!)).toMatchObject({ pid: expect.any(Number), nonce: expect.any(String) });
  });
});
