import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../core/src/ledger/lock.js';
import { REPO_ROOT, runCli, type CliName } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';

// Readers never take the ledger lock, so they can see an append in the middle of its one
// write(): the kernel grows the file a page at a time, and a record line that crosses a page
// boundary is visible without its end for a moment (a probe appending 1-200 KB records caught
// `ledger verify` calling a healthy ledger torn 4 times in 7,000 reads). The test makes that
// moment last: it holds the lock as a live writer and writes the line in two halves.

function runAsync(name: CliName, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const bin = join(REPO_ROOT, 'packages', name, 'bin', `${name}.js`);
    const child = spawn(process.execPath, [bin, ...args], { cwd: REPO_ROOT, env: testEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A memory dir whose mutations.jsonl holds two records, and the real third line appended after them. */
function ledgerWithNextLine(): { mem: string; file: string; next: Buffer } {
  const mem = tempDir();
  for (const goal of ['one', 'two', 'three']) {
    const r = runCli('mutation-journal', ['append', '--memory-dir', mem, '--phase', 'P0', '--goal', `${goal} ${'x'.repeat(6000)}`]);
    expect(r.code, r.stderr).toBe(0);
  }
  const file = join(mem, 'mutations.jsonl');
  const bytes = readFileSync(file);
  const start = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  truncateSync(file, start);
  return { mem, file, next: bytes.subarray(start) };
}

describe('reading a ledger while an append is mid-write', () => {
  it('ledger verify, os-introspect and list wait for the append instead of calling the ledger torn', async () => {
    const { mem, file, next } = ledgerWithNextLine();
    const lock = await acquireLock(file);
    try {
      appendFileSync(file, next.subarray(0, 5000));
      const readers = Promise.all([
        runAsync('mutation-journal', ['ledger', 'verify', '--path', file], {}),
        runAsync('os-introspect', ['--root', tempDir(), '--memory-dir', mem, '--max-project-files', '1'], {}),
        runAsync('mutation-journal', ['list', 'mutations', '--memory-dir', mem], {}),
      ]);
      await sleep(2500); // the readers have started and read the half line
      appendFileSync(file, next.subarray(5000));
      lock.release();
      const [verify, introspect, list] = await readers;

      expect(verify.code, verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ status: 'ok', lines: 3, head: { seq: 3 }, problems: [] });
      expect(introspect.code, introspect.stderr).toBe(0);
      const health = JSON.parse(introspect.stdout).memory.ledgers.find((l: { kind: string }) => l.kind === 'mutations');
      expect(health).toMatchObject({ status: 'ok', lines: 3, head_seq: 3, problems: 0 });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stderr).not.toMatch(/torn/);
    } finally {
      lock.release();
    }
  }, 120_000);

  it('still reports a torn tail whose writer is gone, without waiting for anything', async () => {
    const { file, next } = ledgerWithNextLine();
    appendFileSync(file, next.subarray(0, 5000)); // no lock: the writer died mid-write
    const t0 = Date.now();
    const verify = await runAsync('mutation-journal', ['ledger', 'verify', '--path', file], {});
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout)).toMatchObject({ status: 'torn-tail', head: { seq: 2 }, torn_tail: { line: 3 } });
    expect(Date.now() - t0).toBeLessThan(8000);
  }, 60_000);

  it('reports a torn tail once the lock timeout passes, when a live process keeps holding the lock', async () => {
    const { file, next } = ledgerWithNextLine();
    appendFileSync(file, next.subarray(0, 5000));
    const lock = await acquireLock(file); // e.g. a writer stuck in its precondition: the tail is not its line
    try {
      const t0 = Date.now();
      const verify = await runAsync('mutation-journal', ['ledger', 'verify', '--path', file], { AUTOPOIETIC_LOCK_TIMEOUT_MS: '500' });
      expect(verify.code).toBe(1);
      expect(JSON.parse(verify.stdout)).toMatchObject({ status: 'torn-tail', torn_tail: { line: 3 } });
      expect(Date.now() - t0).toBeLessThan(8000); // one wait, not one per re-read
    } finally {
      lock.release();
    }
  }, 60_000);
});
