import { AosError } from '../cli-kit/errors.js';
import { SCHEMA_VERSION } from '../schemas/common.js';
import {
  EvidenceBundle,
  type CanonicalFact,
  type EvidenceComparison,
  type EvidenceInput,
  type ProvenanceRef,
} from '../schemas/evidence.js';

/**
 * The shape every phase mapping shares (ADR 0016 layers):
 *   raw        inputs (quality raw): the record itself, plus extra inputs a phase adds;
 *   observed   one observation of the record (quality observed);
 *   canonical  facts `fact:<prefix>:<kind>` (quality canonicalized), derived from the observation;
 *   verified   comparisons `comparison:<prefix>:<name>` (quality verified), never a bool;
 *   derived    exactly one claim (quality derived), backed by the observation, its key facts and
 *              every comparison. A bundle whose claim cites an id it does not contain is refused.
 */
export interface FactSpec {
  kind: string;
  /** Any JSON value (no undefined). */
  value: unknown;
}

export interface ComparisonSpec {
  name: string;
  left: string;
  right: string;
  status: EvidenceComparison['status'];
  reason: string;
  metadata?: Record<string, string>;
}

export interface BundleSpec {
  bundleId: string;
  phase: string;
  /** Id namespace inside the bundle: `fact:<prefix>:<kind>` and so on. */
  prefix: string;
  subject: EvidenceBundle['subject'];
  raw: ProvenanceRef;
  extraInputs?: { name: string; provenance: ProvenanceRef }[];
  summary: string;
  observedAt?: string | undefined;
  facts: FactSpec[];
  comparisons?: ComparisonSpec[];
  claim: { name: string; text: string; keyFacts: string[]; limits: string[] };
  metadata?: Record<string, string>;
}

export function assembleBundle(spec: BundleSpec): EvidenceBundle {
  const p = spec.prefix;
  const observationId = `observation:${p}:record`;
  const inputs: EvidenceInput[] = [{ name: 'record', provenance: spec.raw }, ...(spec.extraInputs ?? [])].map((i) => ({
    input_id: `input:${p}:${i.name}`,
    kind: i.provenance.kind,
    provenance: i.provenance,
    quality: 'raw',
  }));
  const facts: CanonicalFact[] = spec.facts.map((f) => ({
    fact_id: `fact:${p}:${f.kind}`,
    kind: f.kind,
    value: f.value as CanonicalFact['value'],
    quality: 'canonicalized',
    derived_from: [observationId],
  }));
  const comparisons: EvidenceComparison[] = (spec.comparisons ?? []).map((c) => ({
    comparison_id: `comparison:${p}:${c.name}`,
    left_ref: c.left,
    right_ref: c.right,
    status: c.status,
    reason: c.reason,
    quality: 'verified',
    ...(c.metadata ? { metadata: c.metadata } : {}),
  }));
  const bundle: EvidenceBundle = {
    schema_version: SCHEMA_VERSION,
    bundle_id: spec.bundleId,
    phase: spec.phase,
    subject: spec.subject,
    inputs,
    observations: [
      {
        observation_id: observationId,
        kind: spec.raw.kind,
        summary: spec.summary,
        quality: 'observed',
        raw_ref: spec.raw,
        ...(spec.observedAt ? { observed_at: spec.observedAt } : {}),
      },
    ],
    canonical_facts: facts,
    comparisons,
    claims: [
      {
        claim_id: `claim:${p}:${spec.claim.name}`,
        claim: spec.claim.text,
        quality: 'derived',
        backing: [observationId, ...spec.claim.keyFacts.map((k) => `fact:${p}:${k}`), ...comparisons.map((c) => c.comparison_id)],
        limits: spec.claim.limits,
      },
    ],
    ...(spec.metadata ? { metadata: spec.metadata } : {}),
  };
  return checkBundle(bundle);
}

/**
 * Validates a bundle against the EvidenceBundle schema, and checks that ids are unique and every
 * claim's backing names an id present in the bundle. A failure is a bug in the producer (exit 1).
 */
export function checkBundle(bundle: unknown): EvidenceBundle {
  const parsed = EvidenceBundle.safeParse(bundle);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw new AosError('evidence-invalid', `evidence bundle does not satisfy the EvidenceBundle schema: ${issues}`, {
      hint: 'This is a bug in the producing command; please report it with the command line.',
    });
  }
  const b = parsed.data;
  const ids = [
    ...(b.inputs ?? []).map((x) => x.input_id),
    ...(b.observations ?? []).map((x) => x.observation_id),
    ...(b.canonical_facts ?? []).map((x) => x.fact_id),
    ...(b.comparisons ?? []).map((x) => x.comparison_id),
    ...(b.claims ?? []).map((x) => x.claim_id),
  ];
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw bug(`evidence bundle ${b.bundle_id} has duplicate id ${id}`);
    seen.add(id);
  }
  for (const claim of b.claims ?? []) {
    const unbacked = claim.backing.filter((id) => !seen.has(id));
    if (unbacked.length > 0) throw bug(`claim ${claim.claim_id} of bundle ${b.bundle_id} cites ids not in the bundle: ${unbacked.join(', ')}`);
  }
  return bundle as EvidenceBundle;
}

/** Keys for a name -> value map that keeps repeated names apart: `a`, `a#2`, `a#3`. */
export function distinctKeys(names: readonly string[]): string[] {
  const count = new Map<string, number>();
  return names.map((n) => {
    const k = (count.get(n) ?? 0) + 1;
    count.set(n, k);
    return k === 1 ? n : `${n}#${k}`;
  });
}

/** A JSON object from parallel key and value lists (keys made distinct). */
export function keyedMap<T>(names: readonly string[], values: readonly T[]): Record<string, T> {
  const keys = distinctKeys(names);
  return Object.fromEntries(keys.map((k, i) => [k, values[i] as T]));
}

function bug(message: string): AosError {
  return new AosError('evidence-invalid', message, { hint: 'This is a bug in the producing command; please report it.' });
}
