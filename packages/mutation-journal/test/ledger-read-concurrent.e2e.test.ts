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

type Result = { code: number | null; stdout: string; stderr: string };

/** The built CLI as a process; `seen` resolves once its stderr matches `until` (when given). */
function runAsync(name: CliName, args: string[], env: Record<string, string>, until?: RegExp): { done: Promise<Result>; seen: Promise<void> } {
  const bin = join(REPO_ROOT, 'packages', name, 'bin', `${name}.js`);
  const child = spawn(process.execPath, [bin, ...args], { cwd: REPO_ROOT, env: testEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markSeen!: () => void;
  const seen = new Promise<void>((r) => (markSeen = r));
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    if (until?.test(stderr)) markSeen();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<Result>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      markSeen(); // a reader that ended without the mark fails its own assertions
      resolve({ code, stdout, stderr });
    });
  });
  return { done, seen };
}

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
      // list does not wait: it reads the two whole records and skips the line in flight quietly.
      const list = await runAsync('mutation-journal', ['list', 'mutations', '--memory-dir', mem], {}).done;
      // verify and os-introspect see the half line, say so (debug), and wait for the writer:
      // only then is the rest written, so the test cannot pass by reading too late.
      const waiting = /the last line is unterminated: reading again/;
      const debug = { AUTOPOIETIC_LOG_LEVEL: 'debug' };
      const verifying = runAsync('mutation-journal', ['ledger', 'verify', '--path', file], debug, waiting);
      const introspecting = runAsync('os-introspect', ['--root', tempDir(), '--memory-dir', mem, '--max-project-files', '1'], debug, waiting);
      await Promise.all([verifying.seen, introspecting.seen]);
      appendFileSync(file, next.subarray(5000));
      lock.release();
      const [verify, introspect] = await Promise.all([verifying.done, introspecting.done]);
      expect(verify.stderr).toMatch(waiting);
      expect(introspect.stderr).toMatch(waiting);

      expect(verify.code, verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ status: 'ok', lines: 3, head: { seq: 3 }, problems: [] });
      expect(introspect.code, introspect.stderr).toBe(0);
      const health = JSON.parse(introspect.stdout).memory.ledgers.find((l: { kind: string }) => l.kind === 'mutations');
      expect(health).toMatchObject({ status: 'ok', lines: 3, head_seq: 3, problems: 0 });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stderr).not.toMatch(/torn/);
      expect(JSON.parse(list.stdout)).toHaveLength(2);
    } finally {
      lock.release();
    }
  }, 120_000);

  it('still reports a torn tail whose writer is gone, without waiting for anything', async () => {
    const { file, next } = ledgerWithNextLine();
    appendFileSync(file, next.subarray(0, 5000)); // no lock: the writer died mid-write
    const t0 = Date.now();
    const verify = await runAsync('mutation-journal', ['ledger', 'verify', '--path', file], {}).done;
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
      const verify = await runAsync('mutation-journal', ['ledger', 'verify', '--path', file], { AUTOPOIETIC_LOCK_TIMEOUT_MS: '500' }).done;
      expect(verify.code).toBe(1);
      expect(JSON.parse(verify.stdout)).toMatchObject({ status: 'torn-tail', torn_tail: { line: 3 } });
      expect(Date.now() - t0).toBeLessThan(8000); // one wait, not one per re-read
    } finally {
      lock.release();
    }
  }, 60_000);
});
