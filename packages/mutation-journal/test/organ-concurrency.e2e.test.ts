import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../../core/src/ledger/lock.js';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { journal } from './organ-fixtures.js';

/** Runs the built bin without waiting, so several processes really race. */
function start(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  const bin = join(REPO_ROOT, 'packages', 'mutation-journal', 'bin', 'mutation-journal.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'organ', ...args], { env: testEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe('concurrent registry writers', () => {
  it('let exactly one of several racing adds of one name succeed', async () => {
    const mem = tempDir();
    const runs = await Promise.all(
      [1, 2, 3, 4].map((i) => start(['add', '--name', 'Racer', '--type', 'cli', '--source', `src/${i}`, '--purpose', 'p', '--memory-dir', mem])),
    );
    expect(runs.map((r) => r.code).sort()).toEqual([0, 2, 2, 2]);
    expect(runs.filter((r) => r.code === 2).every((r) => r.stderr.includes('error[organ-exists]'))).toBe(true);
    expect(journal(['list', '--history'], mem).json()).toHaveLength(1);
  });

  it('lose no update when several updates of one organ race', async () => {
    const mem = tempDir();
    expect(journal(['add', '--name', 'shared', '--type', 'cli', '--source', 'src/s', '--purpose', 'p'], mem).code).toBe(0);
    const runs = await Promise.all([
      start(['update', 'shared', '--usage-count', '7', '--memory-dir', mem]),
      start(['update', 'shared', '--purpose', 'changed', '--memory-dir', mem]),
      start(['update', 'shared', '--created-by', 'racer', '--memory-dir', mem]),
      start(['update', 'shared', '--related-goal', 'g', '--memory-dir', mem]),
    ]);
    expect(runs.map((r) => r.code), runs.map((r) => r.stderr).join('\n')).toEqual([0, 0, 0, 0]);
    const [current] = journal(['list'], mem).json();
    expect(current).toMatchObject({ usage_count: 7, purpose: 'changed', created_by: 'racer', related_goals: ['g'] });
    expect(journal(['list', '--history'], mem).json().map((r: { chain: { seq: number } }) => r.chain.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('prepare again an update whose registry changed before it took the lock, instead of writing a stale version', async () => {
    const mem = tempDir();
    expect(journal(['add', '--name', 'shared', '--type', 'cli', '--source', 'src/s', '--purpose', 'p'], mem).code).toBe(0);
    // Holding the lock lets every writer read the registry and prepare its version before any
    // appends: without the size check under the lock, each would overwrite the others' fields.
    const lock = await acquireLock(join(mem, 'organs.jsonl'));
    const debug = { AUTOPOIETIC_LOG_LEVEL: 'debug' };
    let runs: Array<{ code: number; stderr: string }>;
    try {
      const racing = Promise.all([
        start(['update', 'shared', '--usage-count', '7', '--memory-dir', mem], debug),
        start(['update', 'shared', '--purpose', 'changed', '--memory-dir', mem], debug),
        start(['update', 'shared', '--created-by', 'racer', '--memory-dir', mem], debug),
      ]);
      await new Promise((r) => setTimeout(r, 3000));
      lock.release();
      runs = await racing;
    } finally {
      lock.release();
    }
    expect(runs.map((r) => r.code), runs.map((r) => r.stderr).join('\n')).toEqual([0, 0, 0]);
    expect(runs.some((r) => r.stderr.includes('preparing it again')), 'the writers raced (read before the lock was free)').toBe(true);
    const [current] = journal(['list'], mem).json();
    expect(current).toMatchObject({ usage_count: 7, purpose: 'changed', created_by: 'racer' });
  }, 60_000);
});
