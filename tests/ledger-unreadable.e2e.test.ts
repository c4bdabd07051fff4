import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRecord } from '@autopoietic/core/ledger';
import { REPO_ROOT } from './support/cli.js';
import { testEnv } from './support/nix-env.js';
import { mutationRecord } from './support/records.js';
import { tempDir } from './support/tmp.js';

/**
 * One ledger this user may not read, next to readable ones (a registry written by root with mode
 * 0600, read by a CI step as a build user). os-introspect called it `broken`, which says "the hash
 * chain is damaged, run ledger repair": untrue, nothing is known about its chain. It is now
 * `unreadable`, and `mutation-journal ledger verify` says the same of the same ledger (exit 1,
 * the other ledgers still reported). As root the CLIs run as nobody; otherwise the file is
 * closed to this user.
 */
const root = process.getuid?.() === 0;

function asOther(cli: 'mutation-journal' | 'os-introspect', args: string[]) {
  const bin = join(REPO_ROOT, 'packages', cli, 'bin', `${cli}.js`);
  const prefix = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const [command, ...rest] = [...prefix, process.execPath, bin, ...args];
  const r = spawnSync(command!, rest, { cwd: '/', env: testEnv({ HOME: '/nonexistent', AUTOPOIETIC_LOG_LEVEL: 'silent' }), encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function memoryWithClosedRegistry() {
  const base = tempDir('aos-unreadable-');
  const genome = join(base, 'genome');
  const mem = join(base, 'memory');
  mkdirSync(genome);
  mkdirSync(mem);
  writeFileSync(join(genome, 'flake.nix'), '{ outputs = _: { }; }\n');
  await appendRecord(join(mem, 'mutations.jsonl'), 'mutation', mutationRecord());
  const organs = join(mem, 'organs.jsonl');
  await appendRecord(organs, 'organ', { schema_version: '0.1.0', name: 'x', type: 'cli', source: 'packages/x', purpose: 'test' });
  for (const d of [base, genome, mem]) chmodSync(d, 0o755);
  chmodSync(join(mem, 'mutations.jsonl'), 0o644);
  chmodSync(organs, root ? 0o600 : 0o000);
  return { genome, mem, organs };
}

describe('a ledger this user may not read', () => {
  it('is `unreadable` (not `broken`) in the self-state, its summary and ledger verify alike', async () => {
    const { genome, mem, organs } = await memoryWithClosedRegistry();
    try {
      const where = ['--root', genome, '--memory-dir', mem, '--etc-dir', join(genome, 'etc'), '--no-cache'];
      const state = asOther('os-introspect', where);
      expect(state.code, state.stderr).toBe(0);
      const ledgers = JSON.parse(state.stdout).memory.ledgers as Array<{ kind: string; status: string; first_problem?: string }>;
      expect(ledgers.find((l) => l.kind === 'organs')).toMatchObject({ status: 'unreadable', first_problem: 'this user may not read it (EACCES)' });
      expect(ledgers.find((l) => l.kind === 'mutations')).toMatchObject({ status: 'ok' });

      const summary = asOther('os-introspect', [...where, '--format', 'summary']);
      expect(summary.code, summary.stderr).toBe(0);
      expect(summary.stdout).toMatch(/^ {2}organs +unreadable +this user may not read it \(EACCES\)$/m);
      expect(summary.stdout).toMatch(/^ {2}mutations +ok +1 lines$/m);

      const all = asOther('mutation-journal', ['ledger', 'verify', '--memory-dir', mem]);
      expect(all.code, all.stderr).toBe(1);
      const report = JSON.parse(all.stdout) as { status: string; ledgers: Array<{ path: string; status: string }> };
      expect(report.status).toBe('unreadable');
      expect(report.ledgers.find((l) => l.path === organs)).toMatchObject({ status: 'unreadable', exists: true, head: null, problems: [] });
      expect(report.ledgers.find((l) => l.path === join(mem, 'mutations.jsonl'))).toMatchObject({ status: 'ok' });
      expect(all.stderr).toContain(`${organs}: unreadable, this user may not read it (EACCES)`);
      expect(all.stderr).not.toContain('broken');
      expect(all.stderr).toContain('point --memory-dir (AUTOPOIETIC_MEMORY_DIR)');

      const one = asOther('mutation-journal', ['ledger', 'verify', '--kind', 'organs', '--memory-dir', mem]);
      expect(one.code, one.stderr).toBe(1);
      expect(JSON.parse(one.stdout)).toMatchObject({ path: organs, status: 'unreadable' });
    } finally {
      chmodSync(organs, 0o644);
    }
  });

  it('leaves ledger verify `broken` when another ledger is damaged: unreadable is the verdict only when nothing else failed', async () => {
    const { mem, organs } = await memoryWithClosedRegistry();
    const mutations = join(mem, 'mutations.jsonl');
    appendFileSync(mutations, '{"schema_version":"0.1.0","torn'); // a torn tail: an append cut off mid-line
    try {
      const all = asOther('mutation-journal', ['ledger', 'verify', '--memory-dir', mem]);
      expect(all.code, all.stderr).toBe(1);
      const report = JSON.parse(all.stdout) as { status: string; ledgers: Array<{ path: string; status: string }> };
      expect(report.status).toBe('broken');
      expect(report.ledgers.find((l) => l.path === mutations)).toMatchObject({ status: 'torn-tail' });
      expect(report.ledgers.find((l) => l.path === organs)).toMatchObject({ status: 'unreadable' });
      expect(all.stderr).toContain(`${organs}: unreadable, this user may not read it (EACCES)`);
    } finally {
      chmodSync(organs, 0o644);
    }
  });
});
