import { SCHEMA_VERSION, type OrganReviewOutput } from '@autopoietic/core/schemas';
import { currentOrgans, retiredOrgans, type Organ, type Registry } from './history.js';
import { later, type OrganMeasure, type Touch } from './measure.js';
import { moduleSourceKey, organKey, quotedName } from './names.js';

/**
 * The P4 decay review (pure). For each current organ the first matching rule wins:
 *
 *  1. another current organ has the same name (case-insensitive)  duplicate  "duplicate organ name"
 *  2. another current module organ has the same source            duplicate  "duplicate organ source"
 *  3. declared failure_count > 0                                   failed     "failure_count is greater than zero"
 *  4. measured: its latest verification/promotion failed           failed     "latest measured change failed"
 *  5. declared decay_status                                        that one   "explicit decay_status"
 *  6. declared usage_count == 0 (and no measured use)              stale      "usage_count is zero"
 *  7. last touched before now - stale-after days                   stale      "not touched within <N> days"
 *  8. measured: last use within stale-after days                   active     "measured use within <N> days"
 *  9. no related goals                                             candidate  "no related goals recorded"
 * 10. otherwise                                                    unknown    "insufficient review evidence"
 *
 * Retired organs get status `retired`, reason "organ retired", and only their own group.
 */
const DAY_MS = 86_400_000;
/**
 * A touch dated later than the review by more than this says a clock is wrong (this host's, or
 * that of the host that wrote the record): such an organ cannot turn stale by time until its
 * date has passed. Staleness counts whole days, so smaller skews between hosts change nothing.
 */
const CLOCK_SLACK_MS = DAY_MS;

export interface ReviewInput {
  registry: Registry;
  source: string;
  reviewedAt: string;
  staleAfterDays: number;
  registryStatus: string;
  /** Lines the readers left out (a torn final line), one limit each: the review may miss an organ. */
  skipped?: readonly string[];
  measured?: { measures: Map<Organ, OrganMeasure>; from: Record<string, string>; statuses: Record<string, string> };
}

type Finding = OrganReviewOutput['findings'][number];
type Status = Finding['status'];

const GROUP: Record<Status, 'active' | 'candidates' | 'stale' | 'duplicate' | 'failed' | 'unknown' | 'retired'> = {
  active: 'active',
  candidate: 'candidates',
  stale: 'stale',
  duplicate: 'duplicate',
  failed: 'failed',
  unknown: 'unknown',
  retired: 'retired',
};

export function reviewOrgans(input: ReviewInput): OrganReviewOutput {
  const current = currentOrgans(input.registry);
  const retired = retiredOrgans(input.registry);
  const dupName = shared(current, (o) => organKey(o.latest.name));
  const dupSource = shared(current, (o) => moduleSourceKey(o.latest.type, o.latest.source));
  const cutoff = Date.parse(input.reviewedAt) - input.staleAfterDays * DAY_MS;
  const ctx = { dupName, dupSource, cutoff, days: input.staleAfterDays, measured: input.measured };

  const rows = [...current, ...retired].sort((a, b) => a.order - b.order);
  const out: OrganReviewOutput = {
    schema_version: SCHEMA_VERSION,
    reviewed_at: input.reviewedAt,
    source: input.source,
    total_organs: rows.length,
    findings: [],
    active: [], candidates: [], stale: [], duplicate: [], failed: [], unknown: [], retired: [],
    stale_after_days: input.staleAfterDays,
  };
  let untimed = 0;
  const future: string[] = [];
  for (const o of rows) {
    const measure = input.measured?.measures.get(o);
    const touched = lastTouched(o, measure);
    if (!o.retired && touched === undefined) untimed++;
    if (!o.retired && touched !== undefined && touched.ms > Date.parse(input.reviewedAt) + CLOCK_SLACK_MS) future.push(o.latest.name);
    const [status, reason] = o.retired ? (['retired', 'organ retired'] as const) : classify(o, touched, measure, ctx);
    out.findings.push({ name: o.latest.name, status, reason, evidence: evidence(o, touched, measure, ctx) });
    out[GROUP[status]].push(o.latest.name);
  }
  if (input.measured) {
    out.measured_from = input.measured.from;
    out.source_statuses = { registry: input.registryStatus, ...input.measured.statuses };
  } else {
    out.source_statuses = { registry: input.registryStatus };
  }
  const limits = reviewLimits(input, untimed, future);
  if (limits.length > 0) out.limits = limits;
  return out;
}

interface Ctx {
  dupName: Set<Organ>;
  dupSource: Set<Organ>;
  cutoff: number;
  days: number;
}

function classify(o: Organ, touched: Touch | undefined, m: OrganMeasure | undefined, ctx: Ctx): [Status, string] {
  const r = o.latest;
  if (ctx.dupName.has(o)) return ['duplicate', 'duplicate organ name'];
  if (ctx.dupSource.has(o)) return ['duplicate', 'duplicate organ source'];
  if (r.failure_count !== undefined && r.failure_count > 0) return ['failed', 'failure_count is greater than zero'];
  if (m?.lastOutcome?.failed) return ['failed', 'latest measured change failed'];
  if (r.decay_status !== undefined) return [r.decay_status, 'explicit decay_status'];
  if (r.usage_count === 0 && !(m && m.usage > 0)) return ['stale', 'usage_count is zero'];
  if (touched !== undefined && touched.ms < ctx.cutoff) return ['stale', `not touched within ${ctx.days} days`];
  if (m?.lastUse && m.lastUse.ms >= ctx.cutoff) return ['active', `measured use within ${ctx.days} days`];
  if (!r.related_goals || r.related_goals.length === 0) return ['candidate', 'no related goals recorded'];
  return ['unknown', 'insufficient review evidence'];
}

/** Latest of the organ's registry versions (recorded_at) and its measured ledger touches. */
function lastTouched(o: Organ, m: OrganMeasure | undefined): Touch | undefined {
  let t: Touch | undefined;
  for (const v of o.versions) {
    const at = v.record.recorded_at;
    if (at !== undefined) t = later(t, { at, ms: Date.parse(at), by: `registry:${v.record.event ?? 'add'}` });
  }
  if (m?.lastTouch) t = later(t, m.lastTouch);
  return t;
}

function evidence(o: Organ, touched: Touch | undefined, m: OrganMeasure | undefined, ctx: Ctx): Record<string, string> {
  const r = o.latest;
  const e: Record<string, string> = {
    ...(r.organ_id === undefined ? {} : { organ_id: r.organ_id }),
    source: r.source,
    type: r.type,
    usage_count: r.usage_count === undefined ? 'unset' : String(r.usage_count),
    failure_count: r.failure_count === undefined ? 'unset' : String(r.failure_count),
    related_goals_count: String(r.related_goals?.length ?? 0),
    versions: String(o.versions.length),
    last_touched: touched?.at ?? 'unknown',
    last_touched_by: touched?.by ?? 'unknown',
  };
  if (r.decay_status !== undefined) e.declared_decay_status = r.decay_status;
  if (o.retired && r.retired_reason !== undefined) e.retired_reason = r.retired_reason;
  if (ctx.dupName.has(o) || ctx.dupSource.has(o)) e.duplicate_of = duplicatesOf(o, ctx);
  if (m) {
    e.measured_usage_count = String(m.usage);
    e.measured_promotions = String(m.promotions);
    e.measured_generations = String(m.generations);
    e.measured_failure_count = String(m.failedVerifications + m.failedPromotions);
    e.measured_failed_verifications = String(m.failedVerifications);
    e.measured_failed_promotions = String(m.failedPromotions);
    e.last_used = m.lastUse?.at ?? 'never';
  }
  return e;
}

function duplicatesOf(o: Organ, ctx: Ctx): string {
  const source = moduleSourceKey(o.latest.type, o.latest.source);
  const others = [...new Set([...ctx.dupName, ...ctx.dupSource])].filter(
    (x) => x !== o && (x.key === o.key || (source !== undefined && moduleSourceKey(x.latest.type, x.latest.source) === source)),
  );
  return others.map((x) => x.id).join(',');
}

/** Organs that share a key with another organ of the list (an organ without a key shares none). */
function shared(organs: readonly Organ[], key: (o: Organ) => string | undefined): Set<Organ> {
  const groups = new Map<string, Organ[]>();
  for (const o of organs) {
    const k = key(o);
    if (k === undefined) continue;
    const list = groups.get(k);
    if (list) list.push(o);
    else groups.set(k, [o]);
  }
  return new Set([...groups.values()].filter((g) => g.length > 1).flat());
}

function reviewLimits(input: ReviewInput, untimed: number, future: string[]): string[] {
  const limits: string[] = [...(input.skipped ?? [])];
  if (!input.measured) {
    limits.push('usage and failures are declared, not measured: pass --measure to count them from the promotion, generation and verification ledgers');
  } else {
    for (const [kind, status] of Object.entries(input.measured.statuses)) {
      if (status.startsWith('missing:')) limits.push(`${kind} source was missing and was treated as empty, so measured counts can be too low`);
    }
  }
  if (untimed > 0) limits.push(`${untimed} current organ(s) have no recorded time, so time-based staleness could not be judged for them`);
  if (future.length > 0) {
    limits.push(
      `${future.length} current organ(s) were last touched more than a day after reviewed_at (${future.map(quotedName).join(', ')}): the clock of this host or of the one that wrote those records is wrong, so time-based staleness could not be judged for them`,
    );
  }
  return limits;
}
