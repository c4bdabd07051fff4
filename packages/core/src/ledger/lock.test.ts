import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
