import { byCodeUnit } from '@autopoietic/core/canonical';
import { SCHEMA_VERSION, type OrganRegistrySuggestionOutput } from '@autopoietic/core/schemas';
import { currentOrgans, retiredOrgans, type Organ, type Registry } from './history.js';
import type { GenerationLike, PromotionLike } from './measure.js';
import { moduleSourceKey, organKey } from './names.js';
import { inferOrganType, type GenomeOrgan } from './self-state.js';

/**
 * Organ registry suggestions (pure): organs the ledgers or the genome show that the registry
 * lacks. Observations are the `changed_organs` of promoted promotions and of `installed`
 * generations. Names match case-insensitively; a match that differs only in case is reported
 * as a near miss and is not a candidate. With a self-state, genome organs are also compared,
 * by name, and a module by its source path.
 */
export interface SuggestInput {
  registry: Registry;
  promotions: readonly PromotionLike[];
  generations: readonly GenerationLike[];
  selfState?: { source: string; status: string; organs: readonly GenomeOrgan[] | undefined };
  sources: { registry: string; promotions: string; generations: string };
  statuses: { registry: string; promotions: string; generations: string };
  /** Lines the readers left out (a torn final line), one limit each: a suggestion may be missing. */
  skipped?: readonly string[];
  reviewedAt: string;
}

type Candidate = OrganRegistrySuggestionOutput['candidates'][number];

/** Sets keep first-seen order. */
interface Observed {
  names: Set<string>;
  promotions: Set<string>;
  generations: Set<string>;
  mutations: Set<string>;
  genome?: GenomeOrgan[];
}

export function suggestOrgans(input: SuggestInput): OrganRegistrySuggestionOutput {
  const current = currentOrgans(input.registry);
  const currentByKey = group(current);
  const retiredByKey = group(retiredOrgans(input.registry));
  const moduleSources = new Set(current.flatMap((o) => moduleSourceKey(o.latest.type, o.latest.source) ?? []));
  const { observed, spellings, fromChanges } = collect(input, currentByKey, moduleSources);

  const near: { observed: string; registered: string }[] = [];
  const candidates: Candidate[] = [];
  const limits: string[] = [];
  for (const [key, o] of [...observed].sort(([a], [b]) => byCodeUnit(a, b))) {
    const registered = currentByKey.get(key);
    if (registered) {
      for (const n of o.names) for (const r of registered) if (r.latest.name !== n) addNear(near, n, r.latest.name);
      continue;
    }
    candidates.push(candidate(o, fromChanges.has(key), retiredByKey.get(key)?.[0], limits));
  }
  near.sort((a, b) => byCodeUnit(a.observed, b.observed) || byCodeUnit(a.registered, b.registered));

  const out: OrganRegistrySuggestionOutput = {
    schema_version: SCHEMA_VERSION,
    reviewed_at: input.reviewedAt,
    registry_source: input.sources.registry,
    promotion_source: input.sources.promotions,
    generation_source: input.sources.generations,
    ...(input.selfState ? { self_state_source: input.selfState.source } : {}),
    source_statuses: { ...input.statuses, ...(input.selfState ? { self_state: input.selfState.status } : {}) },
    registered_organs: current.map((o) => o.latest.name),
    observed_changed_organs: [...spellings].sort(byCodeUnit),
    candidates,
  };
  if (near.length > 0) out.near_misses = near;
  const all = [...sourceLimits(input), ...limits];
  if (all.length > 0) out.limits = all;
  return out;
}

/**
 * Observations by case-folded name: changed_organs of promoted promotions and installed
 * generations, then genome organs that no current organ covers: one of its name, or a module
 * organ of its source under another name when it is a module itself (moduleSourceKey; a module
 * registered as `backup-module` does not cover the `backup` service its file sets).
 */
function collect(input: SuggestInput, currentByKey: Map<string, Organ[]>, moduleSources: Set<string>) {
  const observed = new Map<string, Observed>();
  const seen = (name: string): Observed => {
    const k = organKey(name);
    let o = observed.get(k);
    if (!o) {
      o = { names: new Set(), promotions: new Set(), generations: new Set(), mutations: new Set() };
      observed.set(k, o);
    }
    o.names.add(name);
    return o;
  };
  const spellings = new Set<string>();
  const note = (names: readonly string[] | undefined, kind: 'promotions' | 'generations', id: string, mutation: string) => {
    for (const n of names ?? []) {
      const o = seen(n);
      o[kind].add(id);
      o.mutations.add(mutation);
      spellings.add(n);
    }
  };
  for (const p of input.promotions) if (p.status === 'promoted') note(p.changed_organs, 'promotions', p.promotion_id, p.mutation_id);
  for (const g of input.generations) if (g.lineage_status === 'installed') note(g.changed_organs, 'generations', g.generation, g.mutation_id);
  const fromChanges = new Set(observed.keys());
  for (const entry of input.selfState?.organs ?? []) {
    const source = moduleSourceKey(inferOrganType(entry.type), entry.source);
    if (source !== undefined && moduleSources.has(source) && !currentByKey.has(organKey(entry.name))) continue;
    const o = seen(entry.name);
    o.genome ??= [];
    o.genome.push(entry);
  }
  return { observed, spellings, fromChanges };
}

function candidate(o: Observed, changed: boolean, retired: Organ | undefined, limits: string[]): Candidate {
  const what = o.genome && changed ? 'is defined by the genome and appears in changed_organs'
    : o.genome ? 'is defined by the genome' : 'appears in changed_organs';
  const c: Candidate = {
    name: o.genome?.[0]?.name ?? [...o.names][0]!,
    reason: `${what} but ${retired ? 'is retired in the organ registry' : 'is not in the organ registry'}`,
  };
  const observedIn = [...[...o.promotions].map((id) => `promotion:${id}`), ...[...o.generations].map((id) => `generation:${id}`)];
  if (o.genome) observedIn.push('self-state:genome.organs');
  if (observedIn.length > 0) c.observed_in = observedIn;
  const evidence: Record<string, string> = {};
  if (o.promotions.size > 0) evidence.promotion_ids = [...o.promotions].join(',');
  if (o.generations.size > 0) evidence.generation_ids = [...o.generations].join(',');
  if (o.mutations.size > 0) evidence.mutation_ids = [...o.mutations].join(',');
  if (o.names.size > 1) evidence.observed_names = [...o.names].join(',');
  const genome = o.genome?.[0];
  if (genome) {
    c.source = genome.source;
    const type = inferOrganType(genome.type);
    if (type) c.inferred_type = type;
    else limits.push(`could not infer an organ type for "${genome.name}" from its self-state type "${genome.type}"`);
    evidence.genome_type = genome.type;
    if (o.genome!.length > 1) evidence.genome_sources = o.genome!.map((g) => g.source).join(',');
  }
  if (retired) c.matched_registered_name = retired.latest.name;
  if (Object.keys(evidence).length > 0) c.evidence = evidence;
  return c;
}

function sourceLimits(input: SuggestInput): string[] {
  const limits: string[] = [...(input.skipped ?? [])];
  for (const kind of ['registry', 'promotions', 'generations'] as const) {
    if (input.statuses[kind].startsWith('missing:')) {
      limits.push(`${kind} source was missing and was treated as empty, so an empty result does not prove the registry is complete`);
    }
  }
  if (!input.selfState) limits.push('no --self-state given, so organs the genome defines were not compared');
  else if (input.selfState.organs === undefined) limits.push('the self-state has no genome.organs, so organs the genome defines were not compared');
  return limits;
}

function group(organs: readonly Organ[]): Map<string, Organ[]> {
  const m = new Map<string, Organ[]>();
  for (const o of organs) m.set(o.key, [...(m.get(o.key) ?? []), o]);
  return m;
}

function addNear(list: { observed: string; registered: string }[], observed: string, registered: string): void {
  if (!list.some((n) => n.observed === observed && n.registered === registered)) list.push({ observed, registered });
}
