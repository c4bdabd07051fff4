import { canonicalJson } from '../canonical/canonical-json.js';
import type { EvidenceBundle } from '../schemas/evidence.js';
import type { Part, PartCheck } from './check-report.js';

type Identified = { id: string; part: Part; value: unknown };

/** Every part of a bundle that restates its record, keyed by id (inputs only by presence: their digests are checked on their own). */
function partsOf(b: EvidenceBundle): Identified[] {
  const { schema_version, bundle_id, phase, metadata } = b;
  return [
    { id: 'bundle', part: 'bundle', value: { schema_version, bundle_id, phase, metadata } },
    { id: 'subject', part: 'subject', value: b.subject },
    ...(b.inputs ?? []).map((x) => ({ id: x.input_id, part: 'input' as const, value: { kind: x.kind, quality: x.quality, metadata: x.metadata } })),
    ...(b.observations ?? []).map((x) => ({ id: x.observation_id, part: 'observation' as const, value: x })),
    ...(b.canonical_facts ?? []).map((x) => ({ id: x.fact_id, part: 'fact' as const, value: x })),
    ...(b.comparisons ?? []).map((x) => ({ id: x.comparison_id, part: 'comparison' as const, value: x })),
    ...(b.claims ?? []).map((x) => ({ id: x.claim_id, part: 'claim' as const, value: x })),
  ];
}

/**
 * Compares a bundle with the one rebuilt from its record (check-rebuild.ts), part by part: equal
 * canonical JSON is `matched`; otherwise `differs`, naming the fields and both values; a part the
 * record implies and the bundle lacks is `missing`; one the bundle has and the record does not
 * imply `differs`. Pure.
 */
export function compareParts(actual: EvidenceBundle, expected: EvidenceBundle): PartCheck[] {
  const want = new Map(partsOf(expected).map((p) => [p.id, p]));
  const out: PartCheck[] = [];
  for (const p of partsOf(actual)) {
    const e = want.get(p.id);
    want.delete(p.id);
    if (!e) out.push({ id: p.id, part: p.part, status: 'differs', reason: `the bundle has ${p.part} ${p.id}, which its record does not give` });
    else if (canonicalJson(p.value) === canonicalJson(e.value)) out.push({ id: p.id, part: p.part, status: 'matched', reason: 'equal to what the record gives' });
    else out.push({ id: p.id, part: p.part, status: 'differs', reason: describeDifference(p.value, e.value) });
  }
  for (const e of want.values()) out.push({ id: e.id, part: e.part, status: 'missing', reason: `the record gives ${e.part} ${e.id}, which the bundle lacks` });
  return out;
}

/** Every part of the bundle, unverifiable for one reason (its record could not be read). */
export function unverifiableParts(bundle: EvidenceBundle, reason: string): PartCheck[] {
  return partsOf(bundle).map((p) => ({ id: p.id, part: p.part, status: 'unverifiable', reason }));
}

const SHOWN = 160;

function describeDifference(actual: unknown, expected: unknown): string {
  const a = (actual ?? {}) as Record<string, unknown>;
  const e = (expected ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(e)])].sort();
  const differing = keys.filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(e[k] ?? null));
  return differing.map((k) => `${k}: the bundle has ${shown(a[k])}, the record gives ${shown(e[k])}`).join('; ');
}

function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = canonicalJson(v);
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}
