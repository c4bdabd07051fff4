import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { mutationRecord } from '../../../../tests/support/records.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { appendRecord } from './append.js';
import { acquireLock, lockPathFor, processStart } from './lock.js';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeLock(ledger: string, owner: Record<string, unknown>): void {
  writeFileSync(lockPathFor(ledger), JSON.stringify({ nonce: 'n0', acquired_at: '2026-01-01T00:00:00.000Z', start: null, ...owner }));
}

describe('ledger lock', () => {
  it('is one lock for every spelling of a ledger: a symlink to it takes the lock of its target', async () => {
    // Two locks for one file let concurrent appends through both names fork its chain.
    const dir = tempDir();
    const real = join(dir, 'real.jsonl');
    writeFileSync(real, '');
    symlinkSync('real.jsonl', join(dir, 'alias.jsonl'));
    symlinkSync(dir, join(dir, 'via'));
    expect(lockPathFor(join(dir, 'alias.jsonl'))).toBe(`${real}.lock`);
    const held = await acquireLock(real);
    try {
      await expect(acquireLock(join(dir, 'alias.jsonl'), { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ledger-locked' });
      await expect(acquireLock(join(dir, 'via', 'alias.jsonl'), { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ledger-locked' });
    } finally {
      held.release();
    }
    (await acquireLock(join(dir, 'alias.jsonl'))).release();
  });

  it('recovers a lock left by a process that is gone', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeLock(file, { pid: deadPid(), host: hostname() });
    const stored = await appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 2000 });
    expect(stored.chain.seq).toBe(1);
    expect(existsSync(lockPathFor(file))).toBe(false);
    expect(existsSync(`${lockPathFor(file)}.break`)).toBe(false);
  });

  it('recovers a lock whose pid now belongs to another process (start time differs)', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeLock(file, { pid: process.pid, host: hostname(), start: '1' });
    expect(processStart(process.pid)).not.toBe('1');
    await expect(appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 2000 })).resolves.toBeDefined();
  });

  it('waits for a live lock and gives up with a clear error naming the owner', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeLock(file, { pid: process.pid, host: hostname(), start: processStart(process.pid) });
    const t0 = Date.now();
    const err = await appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(err).toMatchObject({ code: 'ledger-locked', exit: 1 });
    expect((err as Error).message).toContain(`locked by pid ${process.pid} on ${hostname()}`);
    expect((err as { hint: string }).hint).toContain(lockPathFor(file));
    expect(existsSync(file)).toBe(false);
  });

  it('never breaks a lock held on another host', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeLock(file, { pid: deadPid(), host: `${hostname()}-elsewhere` });
    await expect(appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ledger-locked' });
    expect(existsSync(lockPathFor(file))).toBe(true);
  });

  it('treats an unreadable lock as live for a grace period, then as stale', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(lockPathFor(file), '');
    await expect(appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ledger-locked' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockPathFor(file), old, old);
    await expect(appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 2000 })).resolves.toBeDefined();
  });

  it('treats an unreadable lock whose mtime is far ahead of the clock (the clock was set back) as stale', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeFileSync(lockPathFor(file), '');
    const ahead = new Date(Date.now() + 3_600_000);
    utimesSync(lockPathFor(file), ahead, ahead);
    await expect(appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 500 })).resolves.toBeDefined();
  });

  it('gives up on a live lock after the timeout even when the clock is set back while it waits', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    writeLock(file, { pid: process.pid, host: hostname(), start: processStart(process.pid) });
    const realNow = Date.now.bind(Date);
    let calls = 0;
    // From the second reading on, the wall clock is an hour behind.
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => (calls++ === 0 ? realNow() : realNow() - 3_600_000));
    try {
      const t0 = performance.now();
      await expect(acquireLock(file, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'ledger-locked' });
      expect(performance.now() - t0).toBeLessThan(3000);
    } finally {
      clock.mockRestore();
    }
  }, 8000);

  it('hands the lock over as soon as the holder releases it', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const held = await acquireLock(file);
    setTimeout(() => held.release(), 150);
    const t0 = Date.now();
    await appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 5000 });
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(waited).toBeLessThan(1500);
  });

  it('serialises concurrent appends in one process: distinct, gapless seq', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const stored = await Promise.all(Array.from({ length: 40 }, () => appendRecord(file, 'mutation', mutationRecord())));
    expect(stored.map((s) => s.chain.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

describe('ledger lock, unusual lock paths', () => {
  it('names the lock path when something that is not a lock file is in the way', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    mkdirSync(lockPathFor(file));
    await expect(appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 200 })).rejects.toMatchObject({ code: 'ledger-lock-failed', message: expect.stringContaining(lockPathFor(file)) });
  });
});

describe('ledger lock, owner files', () => {
  const ownerFile = (ledger: string, pid: number, nonce: string) => `${lockPathFor(ledger)}.owner-${pid}-${nonce}`;
  const ownerFiles = (ledger: string) => readdirSync(join(ledger, '..')).filter((n) => n.startsWith(`${basename(ledger)}.lock.owner-`));

  it('takes the lock as a hard link of this process\'s owner file, which says who holds it', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const held = await acquireLock(file);
    const [own] = ownerFiles(file);
    expect(own).toMatch(new RegExp(`^mutations\\.jsonl\\.lock\\.owner-${process.pid}-[0-9a-f]{24}$`));
    expect(JSON.parse(readFileSync(lockPathFor(file), 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), nonce: held.owner.nonce });
    held.release();
    expect(existsSync(lockPathFor(file))).toBe(false);
    await appendRecord(file, 'mutation', mutationRecord());
    expect(ownerFiles(file)).toEqual([own]); // one per process and ledger, reused
  });

  it('recovers a linked lock of a process that is gone, and removes its owner file', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const pid = deadPid();
    const own = ownerFile(file, pid, 'abc123');
    writeFileSync(own, JSON.stringify({ pid, host: hostname(), start: null, nonce: 'abc123', acquired_at: '2026-01-01T00:00:00.000Z' }));
    linkSync(own, lockPathFor(file));
    await appendRecord(file, 'mutation', mutationRecord(), { timeoutMs: 2000 });
    expect(existsSync(lockPathFor(file))).toBe(false);
    expect(existsSync(own)).toBe(false);
  });

  it('sweeps the owner files of dead processes, never a live or another host\'s one', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const write = (pid: number, nonce: string, over: Record<string, unknown> = {}) => {
      writeFileSync(ownerFile(file, pid, nonce), JSON.stringify({ pid, host: hostname(), start: null, nonce, acquired_at: '2026-01-01T00:00:00.000Z', ...over }));
      return `${basename(lockPathFor(file))}.owner-${pid}-${nonce}`;
    };
    const dead = write(deadPid(), 'dead00');
    const live = write(process.ppid, 'live00', { start: processStart(process.ppid) });
    const remote = write(deadPid(), 'remote', { host: `${hostname()}-elsewhere` });
    await appendRecord(file, 'mutation', mutationRecord());
    const left = ownerFiles(file);
    expect(left).not.toContain(dead);
    expect(left).toEqual(expect.arrayContaining([live, remote]));
  });
});
