import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';

// Appends that hit a full disk, made without root or mounts: RLIMIT_FSIZE (`prlimit --fsize`).
// Node ignores SIGXFSZ, so a write that crosses the limit comes back short, and one that starts
// at it fails with EFBIG: the two ways a write into a full file system ends.

const BIN = join(REPO_ROOT, 'packages', 'mutation-journal', 'bin', 'mutation-journal.js');

function journalLimited(maxFileBytes: number, args: string[]) {
  const r = spawnSync('prlimit', [`--fsize=${maxFileBytes}`, process.execPath, BIN, ...args], { env: testEnv(), encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const append = (mem: string, goal: string) => ['append', '--goal', goal, '--phase', 'P1', '--memory-dir', mem];

describe('mutation-journal append when the file cannot grow', () => {
  it('a half-written line is rolled back (exit 1, said so, with the limit in the hint); the next append chains on', () => {
    const mem = tempDir();
    for (const g of ['one', 'two']) expect(runCli('mutation-journal', append(mem, g)).code).toBe(0);
    const ledger = join(mem, 'mutations.jsonl');
    const before = readFileSync(ledger);

    const short = journalLimited(before.length + 100, append(mem, 'three'));
    expect(short.code).toBe(1);
    expect(short.stdout).toBe('');
    expect(short.stderr).toContain('error[ledger-write-short]');
    expect(short.stderr).toContain('the ledger was restored');
    expect(short.stderr).toContain('ulimit -f');
    expect(readFileSync(ledger)).toEqual(before);

    const efbig = journalLimited(before.length, append(mem, 'three'));
    expect(efbig.code).toBe(1);
    expect(efbig.stderr).toContain('error[ledger-io]');
    expect(efbig.stderr).toContain('EFBIG');
    expect(efbig.stderr).toContain('ulimit -f');
    expect(readFileSync(ledger)).toEqual(before);

    const verify = runCli('mutation-journal', ['ledger', 'verify', '--path', ledger]);
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.json()).toMatchObject({ status: 'ok', lines: 2 });
    const next = runCli('mutation-journal', append(mem, 'three'));
    expect(next.code, next.stderr).toBe(0);
    expect(next.json().chain.seq).toBe(3);
    expect(readdirSync(mem).sort()).toEqual(['mutations.jsonl']); // no lock or owner file left
    expect(statSync(ledger).size).toBeGreaterThan(before.length);
  });
});

describe('mutation-journal ledger checkpoint --to a device or FIFO (/dev/full)', () => {
  it('is refused as no checkpoint file (exit 2), not as an unreadable checkpoint to create with the command being run', () => {
    const mem = tempDir();
    expect(runCli('mutation-journal', append(mem, 'one')).code).toBe(0);
    const r = runCli('mutation-journal', ['ledger', 'checkpoint', '--path', join(mem, 'mutations.jsonl'), '--to', '/dev/full']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[checkpoint-target]: --to /dev/full is a character device, not a file');
    expect(r.stderr).not.toContain('Create one with');
    expect(readdirSync(mem).sort()).toEqual(['mutations.jsonl']);
  });
});
