import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processStart } from '../../core/src/ledger/lock.js';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';

const APPENDER = join(import.meta.dirname, 'fixtures', 'ledger', 'appender.mjs');

function appender(file: string, count: number, tag: string): Promise<{ code: number | null; seqs: number[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [APPENDER, file, String(count), tag], { env: { ...process.env, AUTOPOIETIC_LOG_LEVEL: 'warn' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => resolve({ code, seqs: out.split('\n').filter(Boolean).map(Number), stderr: err }));
  });
}

describe('two processes appending to one ledger', () => {
  it('keeps all 10,000 records, with no duplicated seq, and the ledger verifies', async () => {
    const file = join(tempDir(), 'mutations.jsonl');
    const [a, b] = await Promise.all([appender(file, 5000, 'a'), appender(file, 5000, 'b')]);
    expect(a.stderr).toBe('');
    expect(b.stderr).toBe('');
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readdirSync(join(file, '..'))).toEqual(['mutations.jsonl']); // no lock or owner file outlives its process

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(10_000);
    expect(lines.map((l) => l.chain.seq)).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    for (const tag of ['a', 'b']) {
      const mine = lines.filter((l) => l.metadata.writer === tag).map((l) => Number(l.metadata.i));
      expect(mine).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1)); // each writer's order kept
    }
    // Every seq a writer was told it got is the seq its record holds.
    const byId = new Map(lines.map((l) => [l.mutation_id, l.chain.seq]));
    for (const [i, seq] of a.seqs.entries()) expect(byId.get(`mut-a-${i + 1}`)).toBe(seq);
    for (const [i, seq] of b.seqs.entries()) expect(byId.get(`mut-b-${i + 1}`)).toBe(seq);

    const v = runCli('mutation-journal', ['ledger', 'verify', '--path', file]);
    expect(v.code).toBe(0);
    expect(v.json()).toMatchObject({ status: 'ok', lines: 10_000, head: { seq: 10_000 }, problems: [] });
  }, 240_000);
});

describe('a ledger lock held by another user\'s live process', () => {
  // kill(pid, 0) answers EPERM for a process this user may not signal: that process is alive,
  // and breaking its lock would let two writers fork the chain. As root the appender runs as
  // nobody, against a root process; otherwise against pid 1.
  it('is waited for and never broken as stale', () => {
    const mem = tempDir();
    chmodSync(mem, 0o777);
    const root = process.getuid?.() === 0;
    const holder = root ? spawn('sleep', ['60'], { stdio: 'ignore' }) : undefined;
    try {
      const pid = holder?.pid ?? 1;
      const ledger = join(mem, 'mutations.jsonl');
      writeFileSync(`${ledger}.lock`, JSON.stringify({ pid, host: hostname(), start: processStart(pid), nonce: 'n0', acquired_at: '2026-01-01T00:00:00.000Z' }), { mode: 0o644 });
      const bin = join(REPO_ROOT, 'packages', 'mutation-journal', 'bin', 'mutation-journal.js');
      const asOther = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
      const [command, ...args] = [...asOther, process.execPath, bin, 'append', '--goal', 'g', '--phase', 'P1', '--memory-dir', mem];
      const r = spawnSync(command!, args, { env: testEnv({ AUTOPOIETIC_LOCK_TIMEOUT_MS: '300', HOME: '/nonexistent' }), encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain('error[ledger-locked]');
      expect(r.stderr).toContain(`locked by pid ${pid} on ${hostname()}`);
      expect(existsSync(`${ledger}.lock`)).toBe(true);
      expect(existsSync(ledger)).toBe(false);
    } finally {
      holder?.kill('SIGKILL');
    }
  });
});
