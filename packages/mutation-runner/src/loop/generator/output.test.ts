import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '@autopoietic/core/adapters';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { readGeneratorOutput } from './output.js';
import type { GeneratorResult } from './run.js';

const PATCH = 'diff --git a/a.nix b/a.nix\n--- a/a.nix\n+++ b/a.nix\n@@ -1 +1 @@\n-1\n+2\n';

function result(stdout: string, over: Partial<GeneratorResult['run']> = {}, stderr = ''): GeneratorResult {
  const run = { outcome: 'exited' as const, exit_code: 0, signal: null, stdout_bytes: stdout.length, stderr_bytes: stderr.length, ...over };
  return { run, stdout: Buffer.from(stdout), result: { stderr, spawnError: 'ENOENT: nope' } as unknown as CommandResult };
}

const read = (g: GeneratorResult, sandbox = '/nonexistent-sandbox') => readGeneratorOutput(g, sandbox, 5000, 1000);

describe('readGeneratorOutput', () => {
  it('takes a JSON proposal with an inline patch, the loop-owned fields being optional', () => {
    const v = read(result(JSON.stringify({ patch: PATCH, metadata: { model: 'x' }, mutation_id: 'ignored' })));
    expect(v).toEqual({ ok: true, proposal: { patch: Buffer.from(PATCH), changed_paths: undefined, expected_checks: undefined, side_effects: undefined, metadata: { model: 'x' } } });
  });
  it('takes the path of a proposal directory inside the sandbox, read with verify\'s rules', () => {
    const sandbox = tempDir();
    mkdirSync(join(sandbox, 'work', 'p'), { recursive: true });
    writeFileSync(join(sandbox, 'work', 'p', 'patch.diff'), PATCH);
    writeFileSync(join(sandbox, 'work', 'p', 'proposal.json'), JSON.stringify({ schema_version: '0.1.0', mutation_id: 'm', goal: 'g', phase: 'p', changed_paths: ['a.nix'], expected_checks: [], patch_path: 'patch.diff' }));
    const v = read(result('work/p\n'), sandbox);
    expect(v.ok && v.proposal.patch.toString()).toBe(PATCH);
    expect(read(result('/etc\n'), sandbox)).toEqual({ ok: false, reason: 'generator printed the path "/etc", which is not a directory inside its sandbox' });
  });
  it('calls everything else what it is', () => {
    const reasons = [
      read(result('')),
      read(result('{"patch": 1}')),
      read(result('{nope')),
      read(result('two\nlines')),
      read(result(JSON.stringify({ patch: PATCH }), { exit_code: 2 }, 'boom\nquota exceeded\n')),
      read(result('', { outcome: 'timeout', exit_code: null })),
      read(result('', { outcome: 'output-too-large', exit_code: null })),
      read(result('', { outcome: 'spawn-failed', exit_code: null })),
      read(result('', { signal: 'SIGSEGV', exit_code: null })),
    ].map((v) => (v.ok ? 'ok' : v.reason));
    expect(reasons).toEqual([
      'generator printed nothing on stdout',
      'generator output is not a proposal: patch: Invalid input: expected string, received number',
      expect.stringMatching(/^generator output is not a proposal: stdout is not valid JSON/),
      'generator output is not a proposal: stdout is neither JSON nor a proposal directory path (it starts "two\\nlines")',
      'generator exited with status 2: quota exceeded',
      'generator timed out after 5 s and was killed',
      'generator wrote more than 1000 bytes of output and was killed',
      'generator could not be started: ENOENT: nope',
      'generator was killed by SIGSEGV',
    ]);
  });
});
