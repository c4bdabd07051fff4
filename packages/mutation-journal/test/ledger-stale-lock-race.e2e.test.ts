import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { linkSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

/**
 * Several processes that meet the same stale ledger lock at the same moment, each breaking it to
 * append. Breaking is guarded by a second O_EXCL lock and a re-check of the stale lock's nonce
 * (core ledger/lock.ts): a process that judged the old lock stale must not remove the lock that
 * another process took after breaking it. Without that re-check two processes hold the lock at
 * once and the chain forks (two records with one seq). Each round plants a stale lock: one a
 * killed process leaves (an owner file of a dead pid, hard-linked as the lock), an empty lock file
 * older than the grace period (its owner died between create and write), or a dead pid's lock
 * together with the `.break` file of a process killed while breaking it; then it releases the
 * racers together; every racer's appends must land exactly once, in one valid chain, and no two
 * racers may ever hold the lock together (stale-lock-racer.mjs checks that under the lock).
 */
const RACER = join(import.meta.dirname, 'fixtures', 'ledger', 'stale-lock-racer.mjs');
const ROUNDS = Number(process.env.AOS_STALE_RACE_ROUNDS ?? 6);
const RACERS = 6;
const APPENDS = 3;

interface Racer {
  tag: string;
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  done: Promise<{ code: number | null; seqs: number[]; stderr: string }>;
}

function startRacer(file: string, tag: string): Racer {
  const child = spawn(process.execPath, [RACER, file, String(APPENDS), tag], { env: { ...process.env, AUTOPOIETIC_LOG_LEVEL: 'error' } });
  let out = '';
  let err = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.on('data', (d: Buffer) => {
    out += d;
    if (out.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += d));
  const done = new Promise<{ code: number | null; seqs: number[]; stderr: string }>((resolve) =>
    child.on('close', (code) => {
      markReady(); // a racer that died before "ready" must not hang the round
      resolve({ code, seqs: out.split('\n').slice(1).filter(Boolean).map(Number), stderr: err });
    }),
  );
  return { tag, child, ready, done };
}

function deadPid(): number {
  const r = spawnSync('true');
  return r.pid!;
}

/** The lock a process killed while holding it leaves: its owner file, hard-linked as `<ledger>.lock`. */
function plantDeadOwnerLock(file: string, round: number): void {
  const pid = deadPid();
  const nonce = `dead${round}`.padEnd(24, '0');
  const owner = `${file}.lock.owner-${pid}-${nonce}`;
  writeFileSync(owner, JSON.stringify({ pid, host: hostname(), start: null, nonce, acquired_at: '2026-01-01T00:00:00.000Z' }));
  linkSync(owner, `${file}.lock`);
}

/** An empty lock file older than the grace period: its owner died between create and write. */
function plantOldEmptyLock(file: string): void {
  writeFileSync(`${file}.lock`, '');
  const old = new Date(Date.now() - 60_000);
  utimesSync(`${file}.lock`, old, old);
}

/** The `.break` file of a process killed while it was breaking a stale lock: the racers must recover that too. */
function plantDeadBreaker(file: string, round: number): void {
  const pid = deadPid();
  writeFileSync(`${file}.lock.break`, JSON.stringify({ pid, host: hostname(), start: null, nonce: `brk${round}`, acquired_at: '2026-01-01T00:00:00.000Z' }));
}

describe('processes breaking the same stale ledger lock at once', () => {
  it('each append lands once, in one valid chain, and no two processes ever hold the lock together', async () => {
    const dir = tempDir('aos-stale-race-');
    const file = join(dir, 'mutations.jsonl');
    const reported = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 3 === 0) plantDeadOwnerLock(file, round);
      else if (round % 3 === 1) plantOldEmptyLock(file);
      else {
        plantDeadOwnerLock(file, round);
        plantDeadBreaker(file, round);
      }
      const racers = Array.from({ length: RACERS }, (_, i) => startRacer(file, `r${round}w${i}`));
      await Promise.all(racers.map((r) => r.ready));
      for (const r of racers) r.child.stdin.end('go');
      const results = await Promise.all(racers.map((r) => r.done));
      for (const [i, res] of results.entries()) {
        expect(res.stderr, `round ${round} racer ${i}`).toBe('');
        expect(res.code, `round ${round} racer ${i}`).toBe(0);
        reported.set(racers[i]!.tag, res.seqs);
      }
      // The stale lock was removed exactly as far as needed: no lock, breaker or owner file is left.
      expect(readdirSync(dir), `round ${round}`).toEqual([basename(file)]);
    }

    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    const total = ROUNDS * RACERS * APPENDS;
    expect(lines).toHaveLength(total);
    expect(lines.map((l) => l.chain.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const seqOf = new Map(lines.map((l) => [l.mutation_id as string, l.chain.seq as number]));
    expect(seqOf.size).toBe(total); // every append exactly once
    for (const [tag, seqs] of reported) {
      expect(seqs.map((_, i) => seqOf.get(`mut-${tag}-${i + 1}`)), tag).toEqual(seqs); // each racer got the seq its record holds
      expect(seqs, tag).toHaveLength(APPENDS);
    }

    const v = runCli('mutation-journal', ['ledger', 'verify', '--path', file]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.json()).toMatchObject({ status: 'ok', lines: total, head: { seq: total }, problems: [] });
  }, 240_000);
});
