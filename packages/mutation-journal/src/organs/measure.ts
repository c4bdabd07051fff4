import type { Organ } from './history.js';
import { organKey, pathAndAncestors, sourceKey } from './names.js';

/**
 * Measured usage and failures of organs, derived from the ledgers (pure; the caller loads them).
 *
 * - A promoted promotion record or an `installed` generation record that lists the organ in
 *   `changed_organs` is a use. `usage` counts distinct mutation ids across both, so a mutation
 *   that was promoted and then installed is one use.
 * - A verification or promotion record touches an organ when one of its `changed_paths` is the
 *   organ's source or lies under it, or (promotions) when it lists the organ in `changed_organs`.
 *   A touching record with status `rejected` or `error` is a failure.
 * - Planned, failed and reverted generation records are not counted at all.
 */
export interface PromotionLike {
  promotion_id: string;
  timestamp: string;
  mutation_id: string;
  status: string;
  changed_paths: readonly string[];
  changed_organs?: readonly string[] | undefined;
}
export interface GenerationLike {
  timestamp: string;
  lineage_status: string;
  generation: string;
  mutation_id: string;
  changed_organs?: readonly string[] | undefined;
}
export interface VerificationLike {
  verification_id: string;
  timestamp: string;
  status: string;
  changed_paths: readonly string[];
}
export interface MeasureInputs {
  promotions: readonly PromotionLike[];
  generations: readonly GenerationLike[];
  verifications: readonly VerificationLike[];
}

export interface Touch {
  at: string;
  ms: number;
  by: string;
}
export interface OrganMeasure {
  promotions: number;
  generations: number;
  usage: number;
  failedVerifications: number;
  failedPromotions: number;
  lastUse?: Touch;
  lastTouch?: Touch;
  /** The latest verification or promotion that touched it, and whether it failed. */
  lastOutcome?: Touch & { failed: boolean };
}

const FAILING = new Set(['rejected', 'error']);

export function measureOrgans(organs: readonly Organ[], inputs: MeasureInputs): Map<Organ, OrganMeasure> {
  const byName = index(organs, (o) => organKey(o.latest.name));
  const bySource = index(organs, (o) => sourceKey(o.latest.source));
  const acc = new Map<Organ, Acc>(organs.map((o) => [o, { promotions: 0, generations: 0, usage: 0, failedVerifications: 0, failedPromotions: 0, mutations: new Set() }]));
  const keyOf = memo(organKey);
  const hits = new Set<Organ>();
  const named = new Set<Organ>();
  const addPaths = (paths: readonly string[]) => {
    for (const p of paths) for (const k of pathAndAncestors(p)) for (const o of bySource.get(k) ?? NONE) hits.add(o);
  };
  const addNames = (names: readonly string[] | undefined, into: Set<Organ>) => {
    for (const n of names ?? []) for (const o of byName.get(keyOf(n)) ?? NONE) into.add(o);
  };

  for (const v of inputs.verifications) {
    hits.clear();
    addPaths(v.changed_paths);
    if (hits.size === 0) continue;
    const t = touch(v.timestamp, `verification:${v.verification_id}`);
    const failed = FAILING.has(v.status);
    for (const o of hits) note(acc.get(o)!, t, failed, 'failedVerifications');
  }
  for (const p of inputs.promotions) {
    hits.clear();
    named.clear();
    addPaths(p.changed_paths);
    addNames(p.changed_organs, named);
    for (const o of named) hits.add(o);
    if (hits.size === 0) continue;
    const t = touch(p.timestamp, `promotion:${p.promotion_id}`);
    const failed = FAILING.has(p.status);
    for (const o of hits) {
      const m = acc.get(o)!;
      note(m, t, failed, 'failedPromotions');
      if (p.status === 'promoted' && named.has(o)) use(m, t, p.mutation_id, 'promotions');
    }
  }
  for (const g of inputs.generations) {
    if (g.lineage_status !== 'installed') continue;
    hits.clear();
    addNames(g.changed_organs, hits);
    if (hits.size === 0) continue;
    const t = touch(g.timestamp, `generation:${g.generation}`);
    for (const o of hits) {
      const m = acc.get(o)!;
      m.lastTouch = later(m.lastTouch, t);
      use(m, t, g.mutation_id, 'generations');
    }
  }
  const out = new Map<Organ, OrganMeasure>();
  for (const [o, { mutations, ...m }] of acc) out.set(o, { ...m, usage: mutations.size });
  return out;
}

type Acc = OrganMeasure & { mutations: Set<string> };
const NONE: readonly Organ[] = [];

function memo(f: (s: string) => string): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      v = f(s);
      cache.set(s, v);
    }
    return v;
  };
}

function index(organs: readonly Organ[], key: (o: Organ) => string): Map<string, Organ[]> {
  const m = new Map<string, Organ[]>();
  for (const o of organs) {
    const k = key(o);
    if (k === '') continue;
    const list = m.get(k);
    if (list) list.push(o);
    else m.set(k, [o]);
  }
  return m;
}

function touch(at: string, by: string): Touch {
  return { at, ms: Date.parse(at), by };
}

/** The later of two touches; on equal times the one seen last (ledgers are read P1, P2, P3). */
export function later<T extends Touch>(a: T | undefined, b: T): T {
  if (Number.isNaN(b.ms)) return a ?? b;
  if (a === undefined || Number.isNaN(a.ms) || b.ms >= a.ms) return b;
  return a;
}

function note(m: OrganMeasure, t: Touch, failed: boolean, counter: 'failedVerifications' | 'failedPromotions'): void {
  if (failed) m[counter]++;
  m.lastTouch = later(m.lastTouch, t);
  if (m.lastOutcome === undefined || later(m.lastOutcome, t) === t) m.lastOutcome = { ...t, failed };
}

function use(m: Acc, t: Touch, mutationId: string, kind: 'promotions' | 'generations'): void {
  m[kind]++;
  m.mutations.add(mutationId);
  m.lastUse = later(m.lastUse, t);
}
