import { usageError } from '@autopoietic/core/cli-kit';
import { parseRfc3339 } from '@autopoietic/core/canonical';
import { ATTEMPT_VERDICTS, LINEAGE_STATUSES, MUTATION_STATUSES, PROMOTION_STATUSES, VERIFICATION_STATUSES, type LedgerKind } from '@autopoietic/core/schemas';
import { text } from './fields.js';

/**
 * `list <kind>` filters. Each kind says which field each filter reads; a filter a kind cannot
 * answer (effects have no status, organs no mutation id) is a usage error, not an empty list.
 */
interface KindFields {
  mutationId?: string;
  status?: { field: string; values: readonly string[] };
  time?: string;
}

const FIELDS: Partial<Record<LedgerKind, KindFields>> = {
  mutations: { mutationId: 'mutation_id', status: { field: 'status', values: MUTATION_STATUSES }, time: 'timestamp' },
  effects: { mutationId: 'mutation_id', time: 'timestamp' },
  generations: { mutationId: 'mutation_id', status: { field: 'lineage_status', values: LINEAGE_STATUSES }, time: 'timestamp' },
  results: { mutationId: 'mutation_id', status: { field: 'status', values: VERIFICATION_STATUSES }, time: 'timestamp' },
  promotions: { mutationId: 'mutation_id', status: { field: 'status', values: PROMOTION_STATUSES }, time: 'timestamp' },
  organs: { time: 'recorded_at' },
  lineage: { mutationId: 'mutation_id', status: { field: 'verdict', values: ATTEMPT_VERDICTS }, time: 'timestamp' },
};

export interface ListFilterFlags {
  mutationId?: string;
  status?: string;
  since?: string;
}

export type RecordFilter = (r: Record<string, unknown>) => boolean;

export function buildFilter(kind: LedgerKind, flags: ListFilterFlags): RecordFilter {
  const f = FIELDS[kind] ?? {};
  const tests: RecordFilter[] = [];
  if (flags.mutationId !== undefined) {
    const field = f.mutationId;
    if (!field) throw unsupported('--mutation-id', kind);
    // The tools never write a blank mutation id, so a blank filter is a mistake, usually
    // `--mutation-id "$ID"` with ID unset: it listed nothing and exited 0, as if the mutation
    // had no records.
    text('--mutation-id', flags.mutationId);
    tests.push((r) => r[field] === flags.mutationId);
  }
  if (flags.status !== undefined) {
    const s = f.status;
    if (!s) throw unsupported('--status', kind);
    if (!s.values.includes(flags.status)) {
      throw usageError('status-unknown', `--status ${JSON.stringify(flags.status)} is not a ${kind} status; allowed: ${s.values.join(', ')}`, `Use one of: ${s.values.join(', ')}.`);
    }
    tests.push((r) => r[s.field] === flags.status);
  }
  if (flags.since !== undefined) {
    const field = f.time;
    if (!field) throw unsupported('--since', kind);
    const since = parseSince(flags.since).getTime();
    // Records without the time field (older organ lines) are not "since" anything.
    tests.push((r) => typeof r[field] === 'string' && (parseRfc3339(r[field] as string)?.getTime() ?? -Infinity) >= since);
  }
  return (r) => tests.every((t) => t(r));
}

/** RFC 3339 (`2026-01-02T03:04:05Z`) or a UTC date (`2026-01-02`, meaning its midnight). */
export function parseSince(value: string): Date {
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? parseRfc3339(`${value}T00:00:00Z`) : parseRfc3339(value);
  if (!d) throw usageError('since-invalid', `--since ${JSON.stringify(value)} is not a date or an RFC 3339 time`, 'Write 2026-01-02 or 2026-01-02T03:04:05Z.');
  return d;
}

function unsupported(flag: string, kind: LedgerKind) {
  return usageError('filter-unsupported', `${flag} does not apply to ${kind}: its records have no such field`, `Drop ${flag} for ${kind}.`);
}
