import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MutationProposal } from '@autopoietic/core/schemas';
import { tempDir } from '../../../../tests/support/tmp.js';
import { proposalFingerprint } from './fingerprint.js';
import { resolvePatchSource } from './patch-source.js';
import { readProposal } from './read.js';

const base: MutationProposal = { schema_version: '0.1.0', mutation_id: 'mut-a', goal: 'g', phase: 'P1', changed_paths: ['a'], expected_checks: [] };

describe('readProposal', () => {
  it('reads a valid proposal', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.json'), JSON.stringify({ ...base, patch: 'x' }));
    const r = readProposal('p.json', dir);
    expect(r.ok && r.proposal.mutation_id).toBe('mut-a');
  });

  it('turns every failure into a value with a non-empty mutation id', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.json'), '{');
    writeFileSync(join(dir, 'blank.json'), JSON.stringify({ ...base, mutation_id: ' ' }));
    writeFileSync(join(dir, 'v.json'), JSON.stringify({ ...base, schema_version: '0.2.0' }));
    const missing = readProposal('missing.json', dir);
    const bad = readProposal('bad.json', dir);
    const blank = readProposal('blank.json', dir);
    const version = readProposal('v.json', dir);
    expect(missing).toMatchObject({ ok: false, status: 'error', identity: { mutation_id: 'unknown:proposal-unreadable' } });
    expect(bad).toMatchObject({ ok: false, status: 'error', reason: expect.stringContaining('is not valid JSON') });
    expect(!bad.ok && bad.identity.mutation_id).toMatch(/^unknown:proposal-[0-9a-f]{16}$/);
    expect(blank).toMatchObject({ ok: false, status: 'rejected', reason: expect.stringContaining('mutation_id') });
    expect(!blank.ok && blank.identity.mutation_id).toMatch(/^unknown:/);
    expect(version).toMatchObject({ ok: false, status: 'rejected', reason: 'unsupported proposal schema_version "0.2.0" (expected "0.1.0")', identity: { mutation_id: 'mut-a' } });
  });
});

describe('resolvePatchSource', () => {
  it('reads patch_path relative to the proposal directory, and refuses escapes', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'patch.diff'), 'diff');
    expect(resolvePatchSource({ ...base, patch_path: 'patch.diff' }, dir)).toMatchObject({ ok: true, text: 'diff', path: join(dir, 'patch.diff') });
    expect(resolvePatchSource({ ...base, patch_path: '' }, dir)).toMatchObject({ ok: false, status: 'rejected' });
    expect(resolvePatchSource({ ...base, patch_path: 'sub/../../x' }, dir)).toMatchObject({ ok: false, reason: expect.stringContaining('must stay inside') });
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.diff'), 'x');
    mkdirSync(join(dir, 'd'));
    symlinkSync(outside, join(dir, 'd', 'link'));
    expect(resolvePatchSource({ ...base, patch_path: 'd/link/secret.diff' }, dir)).toMatchObject({ ok: false, status: 'rejected', reason: expect.stringContaining('through a symlink') });
    expect(resolvePatchSource({ ...base, patch_path: 'nope.diff' }, dir)).toMatchObject({ ok: false, status: 'error', reason: expect.stringContaining('failed to read proposal patch') });
  });
});

describe('proposal fingerprint v2', () => {
  const fp = (p: Partial<MutationProposal>, patch = 'x') => proposalFingerprint({ ...base, ...p }, Buffer.from(patch));

  it('is deterministic and covers every field', () => {
    expect(fp({})).toBe(fp({}));
    expect(fp({})).toMatch(/^sha256:[0-9a-f]{64}$/);
    const variants = [
      fp({ goal: 'h' }), fp({ phase: 'P2' }), fp({ changed_paths: ['b'] }), fp({}, 'y'), fp({ patch_path: 'p.diff' }),
      fp({ expected_checks: [{ name: 't', command: 'true' }] }), fp({ expected_checks: [{ name: 't', command: 'true', timeout_seconds: 5 }] }),
      fp({ side_effects: [{ type: 'f', target: 't', reversible: true, compensation: 'c', risk: 'low' }] }), fp({ metadata: { a: 'b' } }),
    ];
    expect(new Set([fp({}), ...variants]).size).toBe(variants.length + 1);
  });

  it('covers every field of a side effect: a proposal turned irreversible is a new version', () => {
    type SideEffect = NonNullable<MutationProposal['side_effects']>[number];
    const se: SideEffect = { type: 'f', target: 't', reversible: true, compensation: 'c', risk: 'low' };
    const variants: SideEffect[] = [se, { ...se, type: 'g' }, { ...se, target: 'u' }, { ...se, reversible: false }, { ...se, compensation: 'd' }, { ...se, risk: 'high' }];
    expect(new Set(variants.map((s) => fp({ side_effects: [s] }))).size).toBe(variants.length);
  });

  it('keeps list boundaries (the reference v1 did not)', () => {
    expect(fp({ changed_paths: ['ab', 'c'] })).not.toBe(fp({ changed_paths: ['a', 'bc'] }));
    expect(fp({ expected_checks: [{ name: 'a', command: 'test', args: ['x', 'y'] }] })).not.toBe(fp({ expected_checks: [{ name: 'a', command: 'test', args: ['xy'] }] }));
  });

  it('ignores metadata key order', () => {
    expect(fp({ metadata: { a: '1', b: '2' } })).toBe(fp({ metadata: { b: '2', a: '1' } }));
  });
});
