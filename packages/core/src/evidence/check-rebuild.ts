import type { z } from 'zod';
import { describeIssues } from '../schemas/issues.js';
import type { EvidenceBundle, ProvenanceRef } from '../schemas/evidence.js';
import { InstallPlanOutput, InstallVerifyOutput } from '../schemas/install.js';
import { OrganRegistrySuggestionOutput, OrganReviewOutput } from '../schemas/organ.js';
import { MutationPromotionRecord } from '../schemas/promotion.js';
import { MutationVerificationRecord } from '../schemas/verification.js';
import { inputName } from './check-inputs.js';
import { installPlanBundle, installVerifyBundle } from './install-bundles.js';
import { organReviewBundle, organSuggestBundle } from './organ-bundles.js';
import { promotionBundle, verificationBundle } from './runner-bundles.js';

export type Rebuilt = { ok: true; bundle: EvidenceBundle } | { ok: false; reason: string };

/**
 * The bundle the producing command would write for the values its inputs name (the record read
 * from its ledger, the output the caller kept, the plan file), by the same builder the command
 * uses: the one definition of what a bundle restates. The inputs' provenance is the bundle's own
 * as stated, so a changed digest is reported once, at its input, and every other difference is
 * one between the bundle and its record. `why` says, by input name, why a value is absent. Pure.
 */
export function rebuildBundle(bundle: EvidenceBundle, values: ReadonlyMap<string, unknown>, why: ReadonlyMap<string, string> = new Map()): Rebuilt {
  const inputs = new Map((bundle.inputs ?? []).map((i) => [inputName(i), i]));
  const prov = (name: string): ProvenanceRef | undefined => inputs.get(name)?.provenance;
  const record = inputs.get('record');
  if (!record) return { ok: false, reason: 'the bundle has no record input (input:<prefix>:record), so nothing says what it restates' };
  const raw = record.provenance;
  const value = <T extends z.ZodType>(name: string, schema: T, what: string): { ok: true; data: z.infer<T> } | { ok: false; reason: string } => {
    if (!values.has(name)) return { ok: false, reason: `${what} (${inputs.get(name)?.input_id}) could not be read: ${why.get(name) ?? 'no value'}` };
    const parsed = schema.safeParse(values.get(name));
    return parsed.success ? { ok: true, data: parsed.data } : { ok: false, reason: `${what} does not satisfy its schema: ${describeIssues(parsed.error).join('; ')}` };
  };
  /** An optional input: absent from the bundle is fine (the builder leaves it out); present but unreadable is not. */
  const optional = <T extends z.ZodType>(name: string, schema: T, what: string) => (inputs.has(name) ? value(name, schema, what) : { ok: true as const, data: undefined });
  switch (record.kind) {
    case 'mutation-verification-record': {
      const r = value('record', MutationVerificationRecord, 'the verification record');
      return r.ok ? built(verificationBundle(r.data, raw, { proposal: prov('proposal'), patch: prov('patch') })) : r;
    }
    case 'mutation-promotion-record': {
      const r = value('record', MutationPromotionRecord, 'the promotion record');
      const p1 = optional('verification', MutationVerificationRecord, 'the P1 record it relied on');
      if (!r.ok) return r;
      return p1.ok ? built(promotionBundle(r.data, raw, { verification: p1.data, verificationRaw: prov('verification') })) : p1;
    }
    case 'install-plan-output': {
      const r = value('record', InstallPlanOutput, 'the install plan');
      return r.ok ? built(installPlanBundle(r.data, raw, { promotion: prov('promotion'), verification: prov('verification') })) : r;
    }
    case 'install-verify-output': {
      const r = value('record', InstallVerifyOutput, "install-verify's output");
      const plan = optional('plan', InstallPlanOutput, 'the plan it checked');
      if (!r.ok) return r;
      return plan.ok ? built(installVerifyBundle(r.data, raw, { plan: plan.data, planRaw: prov('plan') })) : plan;
    }
    case 'organ-review-output': {
      const r = value('record', OrganReviewOutput, 'the organ review');
      return r.ok ? built(organReviewBundle(r.data, raw)) : r;
    }
    case 'organ-registry-suggestion-output': {
      const r = value('record', OrganRegistrySuggestionOutput, 'the organ suggestions');
      return r.ok ? built(organSuggestBundle(r.data, raw)) : r;
    }
    default:
      return { ok: false, reason: `no builder makes a bundle whose record is of kind ${record.kind}` };
  }
}

function built(bundle: EvidenceBundle): Rebuilt {
  return { ok: true, bundle };
}
