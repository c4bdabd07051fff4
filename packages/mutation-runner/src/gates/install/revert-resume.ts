import type { EffectRecord } from '@autopoietic/core/schemas';
import { ofPlan } from './plan-file.js';
import { EFFECT_TYPES } from './records.js';
import type { RevertStep } from './revert-steps.js';

/**
 * A revert that stopped part-way (a step the target refused, a kill) is continued, not started
 * over: the compensation records it journaled for an apply stay the only ones. The rule, per
 * applied write that has such a record:
 *   - the file is already in its compensated state (the step comes out as nothing to do): the
 *     earlier run compensated it; nothing is journaled or done;
 *   - the step is still to do and the record describes it (same action and path, and the same
 *     changed content kept aside, if any): it is performed under that record, journaling nothing;
 *   - the file changed since the record was journaled: refused, naming the record, also with
 *     --force (a second record for one write would say it was undone twice).
 * The continued revert keeps the revert_id of the first run, so every record and the closing
 * `reverted` generation name one revert.
 */

/** The compensation records journaled for one apply by revert runs that did not finish. */
export interface EarlierRevert {
  /** The revert being continued: the revert_id of its first compensation record, if any. */
  revertId: string | undefined;
  /** The latest compensation record per applied effect id. */
  byApplied: Map<string, EffectRecord>;
}

const COMPENSATION_TYPES: ReadonlySet<string> = new Set([EFFECT_TYPES.remove, EFFECT_TYPES.restore]);

export function earlierRevert(effects: readonly EffectRecord[], applyId: string, planDigests: readonly string[]): EarlierRevert {
  const records = effects.filter((e) => COMPENSATION_TYPES.has(e.type) && e.metadata?.apply_id === applyId && ofPlan(e.metadata?.plan_digest, planDigests));
  const byApplied = new Map<string, EffectRecord>();
  for (const r of records) if (r.metadata?.compensates) byApplied.set(r.metadata.compensates, r);
  return { revertId: records[0]?.metadata?.revert_id, byApplied };
}

/** A revert step, seen against the compensation record an earlier run journaled for it. */
export type ResumedStep =
  | Exclude<RevertStep, { kind: 'remove' | 'restore' }>
  | (Extract<RevertStep, { kind: 'remove' | 'restore' }> & { earlier?: EffectRecord | undefined })
  | { kind: 'compensated'; applied: EffectRecord; earlier: EffectRecord };

export function resumeStep(step: RevertStep, earlier: EffectRecord | undefined): ResumedStep {
  if (earlier === undefined || step.kind === 'blocked') return step;
  if (step.kind === 'noop') return { kind: 'compensated', applied: step.applied, earlier };
  const meta = earlier.metadata ?? {};
  const type = step.kind === 'remove' ? EFFECT_TYPES.remove : EFFECT_TYPES.restore;
  const kept = meta.forced_backup_sha256;
  let problem: string | undefined;
  if (earlier.type !== type || meta.write_path !== step.writePath) problem = `it records a ${earlier.type} of ${meta.write_path}, not a ${type} of ${step.writePath}`;
  else if (step.changed !== undefined && step.changed !== kept) {
    problem = `the file is now ${step.changed}; it ${kept ? `held ${kept} (kept in ${meta.forced_backup_path})` : 'held the content the apply left'} then`;
  }
  if (problem === undefined) return { ...step, earlier };
  return {
    kind: 'blocked',
    applied: step.applied,
    reason: `changed since install-revert ${meta.revert_id} journaled compensation ${earlier.effect_id} for it (${problem}); put that content back, or finish this file by hand`,
  };
}
