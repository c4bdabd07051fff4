import { describe, expect, it } from 'vitest';
import { foldRegistry, type OrganLine } from './history.js';
import { measureOrgans, type MeasureInputs } from './measure.js';
import { pathAndAncestors, sourceKey } from './names.js';

const organ = (name: string, source: string): OrganLine => ({ schema_version: '0.1.0', organ_id: `org-${name}`, event: 'add', name, type: 'nixos-module', source, purpose: 'p' });
const reg = foldRegistry([organ('identity', 'modules/core/identity.nix'), organ('tools', './pkgs/tools/'), organ('idle', 'modules/idle.nix')]);
const [identity, tools, idle] = reg.organs;

const inputs: MeasureInputs = {
  verifications: [
    { verification_id: 'ver-1', timestamp: '2026-01-01T00:00:00Z', status: 'rejected', changed_paths: ['modules/core/identity.nix'] },
    { verification_id: 'ver-2', timestamp: '2026-01-02T00:00:00Z', status: 'verified', changed_paths: ['modules/core/identity.nix'] },
    { verification_id: 'ver-3', timestamp: '2026-01-03T00:00:00Z', status: 'error', changed_paths: ['pkgs/tools/bin/x.sh'] },
    { verification_id: 'ver-4', timestamp: '2026-01-03T00:00:00Z', status: 'rejected', changed_paths: ['pkgs/toolsmith/x'] },
  ],
  promotions: [
    { promotion_id: 'pro-1', timestamp: '2026-01-04T00:00:00Z', mutation_id: 'mut-1', status: 'promoted', changed_paths: ['modules/core/identity.nix'], changed_organs: ['Identity'] },
    { promotion_id: 'pro-2', timestamp: '2026-01-05T00:00:00Z', mutation_id: 'mut-2', status: 'rejected', changed_paths: [], changed_organs: ['identity'] },
    { promotion_id: 'pro-3', timestamp: '2026-01-06T00:00:00Z', mutation_id: 'mut-3', status: 'promoted', changed_paths: ['modules/core/identity.nix'], changed_organs: ['identity'] },
  ],
  generations: [
    { timestamp: '2026-01-07T00:00:00Z', lineage_status: 'installed', generation: 'gen-1', mutation_id: 'mut-1', changed_organs: ['identity'] },
    { timestamp: '2026-01-08T00:00:00Z', lineage_status: 'planned', generation: 'gen-2', mutation_id: 'mut-3', changed_organs: ['identity', 'tools'] },
    { timestamp: '2026-01-09T00:00:00Z', lineage_status: 'failed', generation: 'gen-3', mutation_id: 'mut-3', changed_organs: ['identity', 'tools'] },
  ],
};

describe('measureOrgans', () => {
  const m = measureOrgans(reg.organs, inputs);

  it('counts promoted promotions and installed generations, and distinct mutations as uses', () => {
    expect(m.get(identity!)).toMatchObject({ promotions: 2, generations: 1, usage: 2, lastUse: { by: 'generation:gen-1' } });
  });

  it('counts failing verification and promotion records that touch the source or name the organ', () => {
    expect(m.get(identity!)).toMatchObject({ failedVerifications: 1, failedPromotions: 1, lastOutcome: { by: 'promotion:pro-3', failed: false } });
    expect(m.get(tools!)).toMatchObject({ failedVerifications: 1, failedPromotions: 0, usage: 0, lastOutcome: { by: 'verification:ver-3', failed: true } });
  });

  it('ignores planned and failed generations and paths that only share a prefix', () => {
    expect(m.get(tools!)!.generations).toBe(0);
    expect(m.get(tools!)!.lastTouch!.by).toBe('verification:ver-3');
    expect(m.get(idle!)).toEqual({ promotions: 0, generations: 0, usage: 0, failedVerifications: 0, failedPromotions: 0 });
  });
});

describe('path matching', () => {
  it('normalises sources and lists a path with its ancestors', () => {
    expect(sourceKey('./pkgs//tools/')).toBe('pkgs/tools');
    const cases: [string, string][] = [
      ['a/b', 'a/b'], ['./a', 'a'], ['a/./b', 'a/b'], ['a/../b', 'b'], ['a//b', 'a/b'], ['a/b/', 'a/b'], [' a ', 'a'], ['a\\b', 'a/b'],
      ['.hidden/x', '.hidden/x'], ['..foo/x', '..foo/x'], ['/abs/x', '/abs/x'], ['a/.git', 'a/.git'], ['a/.', 'a'], ['.', ''], ['x', 'x'],
    ];
    for (const [input, key] of cases) expect([input, sourceKey(input)]).toEqual([input, key]);
    expect(pathAndAncestors('pkgs/tools/bin/x.sh')).toEqual(['pkgs/tools/bin/x.sh', 'pkgs/tools/bin', 'pkgs/tools', 'pkgs']);
  });
});
