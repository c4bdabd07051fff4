import { OrganRegistrySuggestionOutput } from '@autopoietic/core/schemas';
import { describe, expect, it } from 'vitest';
import { foldRegistry, type OrganLine } from './history.js';
import type { GenerationLike, PromotionLike } from './measure.js';
import { inferOrganType } from './self-state.js';
import { suggestOrgans, type SuggestInput } from './suggest.js';

const organ = (name: string, source = `src/${name}`, extra: Partial<OrganLine> = {}): OrganLine => ({ schema_version: '0.1.0', organ_id: `org-${name}`, event: 'add', name, type: 'cli', source, purpose: 'p', ...extra });
const pro = (id: string, status: string, organs: string[]): PromotionLike => ({ promotion_id: id, timestamp: '2026-01-01T00:00:00Z', mutation_id: `mut-${id}`, status, changed_paths: [], changed_organs: organs });
const gen = (label: string, status: string, organs: string[]): GenerationLike => ({ timestamp: '2026-01-01T00:00:00Z', lineage_status: status, generation: label, mutation_id: `mut-${label}`, changed_organs: organs });

const suggest = (lines: OrganLine[], promotions: PromotionLike[], generations: GenerationLike[], extra: Partial<SuggestInput> = {}) => {
  const out = suggestOrgans({
    registry: foldRegistry(lines), promotions, generations, reviewedAt: '2026-02-01T00:00:00.000Z',
    sources: { registry: '/m/organs.jsonl', promotions: '/m/p.jsonl', generations: '/m/g.jsonl' },
    statuses: { registry: `loaded:${lines.length}`, promotions: `loaded:${promotions.length}`, generations: `loaded:${generations.length}` },
    ...extra,
  });
  expect(OrganRegistrySuggestionOutput.safeParse(out).success).toBe(true);
  return out;
};

describe('suggestOrgans', () => {
  it('reports changed organs missing from the registry, sorted, with where they were seen', () => {
    const out = suggest([organ('registered')], [pro('pro-1', 'promoted', ['zeta', 'registered'])], [gen('gen-1', 'installed', ['alpha', 'zeta'])]);
    expect(out.candidates.map((c) => c.name)).toEqual(['alpha', 'zeta']);
    expect(out.candidates[1]).toEqual({
      name: 'zeta', reason: 'appears in changed_organs but is not in the organ registry',
      observed_in: ['promotion:pro-1', 'generation:gen-1'],
      evidence: { promotion_ids: 'pro-1', generation_ids: 'gen-1', mutation_ids: 'mut-pro-1,mut-gen-1' },
    });
    expect(out.source_statuses).toEqual({ registry: 'loaded:1', promotions: 'loaded:1', generations: 'loaded:1' });
    expect(out.observed_changed_organs).toEqual(['alpha', 'registered', 'zeta']);
  });

  it('ignores rejected and errored promotions and generations that are not installed', () => {
    const out = suggest([], [pro('pro-r', 'rejected', ['a']), pro('pro-e', 'error', ['b'])], [gen('g-p', 'planned', ['c']), gen('g-f', 'failed', ['d']), gen('g-r', 'reverted', ['e'])]);
    expect(out.candidates).toEqual([]);
    expect(out.observed_changed_organs).toEqual([]);
  });

  it('matches names without case and reports the near miss it used', () => {
    const out = suggest([organ('Hello')], [pro('pro-1', 'promoted', ['hello', 'HELLO'])], [gen('gen-1', 'installed', ['Hello'])]);
    expect(out.candidates).toEqual([]);
    expect(out.near_misses).toEqual([{ observed: 'HELLO', registered: 'Hello' }, { observed: 'hello', registered: 'Hello' }]);
  });

  it('names a retired organ that is still being changed', () => {
    const old = organ('old');
    const out = suggest([old, { ...old, event: 'retire', retired: true, retired_reason: 'r' }], [pro('pro-1', 'promoted', ['OLD'])], []);
    expect(out.registered_organs).toEqual([]);
    expect(out.candidates[0]).toMatchObject({ name: 'OLD', reason: 'appears in changed_organs but is retired in the organ registry', matched_registered_name: 'old' });
  });

  it('treats missing sources as empty and says so', () => {
    const out = suggest([], [], [], { statuses: { registry: 'missing:treated-as-empty', promotions: 'missing:treated-as-empty', generations: 'loaded:0' } });
    expect(out.limits?.filter((l) => l.includes('source was missing')).map((l) => l.split(' ')[0])).toEqual(['registry', 'promotions']);
    expect(out.limits).toContain('no --self-state given, so organs the genome defines were not compared');
  });

  it('suggests genome organs the registry lacks, by name, and a module by its source, with an inferred type', () => {
    const registered = [organ('identity', 'modules/core/identity.nix'), organ('fmt', 'pkgs/fmt'), organ('backup-module', 'modules/backup.nix', { type: 'nixos-module' })];
    const out = suggest(registered, [pro('pro-1', 'promoted', ['agent'])], [], {
      selfState: {
        source: '/tmp/self.json', status: 'loaded:8',
        organs: [
          { name: 'identity', type: 'nixosModules', source: 'modules/core/identity.nix' },
          { name: 'formatter', type: 'package', source: './pkgs/fmt' },
          { name: 'agent', type: 'service', source: 'modules/core/agent-runtime.nix' },
          { name: 'default', type: 'devShells', source: 'flake.nix' },
          { name: 'weird', type: 'checks', source: 'tests/x.nix' },
          // One file, three organs: the module registered under another name covers only the module.
          { name: 'backup-options', type: 'nixos-module', source: './modules/backup.nix' },
          { name: 'backup', type: 'systemd-service', source: 'modules/backup.nix' },
          { name: 'backup.timer', type: 'systemd-timer', source: 'modules/backup.nix' },
        ],
      },
    });
    expect(out.candidates.map((c) => [c.name, c.inferred_type, c.source, c.reason])).toEqual([
      ['agent', 'systemd-service', 'modules/core/agent-runtime.nix', 'is defined by the genome and appears in changed_organs but is not in the organ registry'],
      ['backup', 'systemd-service', 'modules/backup.nix', 'is defined by the genome but is not in the organ registry'],
      ['backup.timer', 'systemd-timer', 'modules/backup.nix', 'is defined by the genome but is not in the organ registry'],
      ['default', 'dev-shell', 'flake.nix', 'is defined by the genome but is not in the organ registry'],
      // A package is told apart by its name: `fmt` registered from the same directory does not cover it.
      ['formatter', 'package', './pkgs/fmt', 'is defined by the genome but is not in the organ registry'],
      ['weird', undefined, 'tests/x.nix', 'is defined by the genome but is not in the organ registry'],
    ]);
    expect(out.candidates[0]!.observed_in).toEqual(['promotion:pro-1', 'self-state:genome.organs']);
    expect(out.source_statuses.self_state).toBe('loaded:8');
    expect(out.self_state_source).toBe('/tmp/self.json');
    expect(out.limits).toContain('could not infer an organ type for "weird" from its self-state type "checks"');
  });
});

describe('inferOrganType', () => {
  it.each([
    ['nixos-module', 'nixos-module'], ['module', 'nixos-module'], ['nixosModules', 'nixos-module'], ['homeManagerModules', 'home-manager-module'],
    ['packages', 'package'], ['services', 'systemd-service'], ['timer', 'systemd-timer'], ['devShells', 'dev-shell'], ['apps', 'cli'],
    ['overlays', 'overlay'], ['checks', undefined],
  ])('%s -> %s', (kind, type) => expect(inferOrganType(kind)).toBe(type));
});
