import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRecord } from '@autopoietic/core/ledger';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { expectValidSelfState, sandbox } from './helpers.js';

/**
 * A CI step running as another user than the memory directory's owner: os-introspect reported
 * every ledger as a 'damaged ledger' and told the user to run `mutation-journal ledger repair`,
 * though nothing is known to be damaged (repair, run as the owner, finds nothing). Such ledgers
 * are now a pain point of their own, with the remedy that applies. As root it runs as nobody;
 * otherwise the directory is closed to this user.
 */
describe('os-introspect with a memory directory this user may not enter', () => {
  it('names the ledgers as unreadable, not damaged', async () => {
    const s = sandbox({ 'flake.nix': '{ outputs = _: { }; }\n' });
    await appendRecord(join(s.memory, 'organs.jsonl'), 'organ', { schema_version: '0.1.0', name: 'x', type: 'cli', source: 'packages/x', purpose: 'test' });
    for (const d of [dirname(s.root), s.root, s.etc, s.home]) chmodSync(d, 0o755);
    const root = process.getuid?.() === 0;
    chmodSync(s.memory, root ? 0o700 : 0o000);
    try {
      const args = ['--root', s.root, '--etc-dir', s.etc, '--memory-dir', s.memory, '--no-cache'];
      const r = root ? asNobody(args) : runCli('os-introspect', args);
      expect(r.code, r.stderr).toBe(0);
      const st = expectValidSelfState(JSON.parse(r.stdout));
      const organs = st.memory.ledgers.find((l) => l.kind === 'organs');
      expect(organs).toMatchObject({ status: 'unreadable', first_problem: 'this user may not read it (EACCES)' });
      expect(st.pain_points.map((p) => p.signal)).not.toContain('damaged ledgers');
      const pain = st.pain_points.find((p) => p.signal === 'ledgers this user may not read');
      expect(pain).toMatchObject({ source: 'memory', candidate: expect.stringContaining('--memory-dir') });
      expect(pain?.evidence).toContain(`${join(s.memory, 'organs.jsonl')}: this user may not read it (EACCES)`);
    } finally {
      chmodSync(s.memory, 0o755);
    }
  });
});

function asNobody(args: string[]): { code: number; stdout: string; stderr: string } {
  const bin = join(REPO_ROOT, 'packages', 'os-introspect', 'bin', 'os-introspect.js');
  try {
    const stdout = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent', NIX_CONFIG: 'substituters =' },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    return { code: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    return { code: err.status ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
