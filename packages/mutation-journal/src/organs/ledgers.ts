import { statSync, type Stats } from 'node:fs';
import { deniedErrno } from '@autopoietic/core/adapters';
import { AosError, usageError } from '@autopoietic/core/cli-kit';
import { readRecords, UNREADABLE_HINT, type LedgerSchemaName, type SkippedLine, type StoredRecord } from '@autopoietic/core/ledger';
import { foldRegistry, type OrganLine, type Registry } from './history.js';
import type { GenerationLike, MeasureInputs, PromotionLike, VerificationLike } from './measure.js';

/**
 * Reading the ledgers the organ commands use. A missing ledger counts as empty and is reported
 * as `missing:treated-as-empty`; a loaded one as `loaded:<records>` (see loadLedger for a
 * skipped torn tail). Only the fields the organ
 * logic needs are kept, so a large verification ledger does not stay in memory.
 */
export const MISSING = 'missing:treated-as-empty';

export interface Loaded<T> {
  items: T[];
  status: string;
  /** Lines the reader left out (a torn final line): the view is incomplete. */
  skipped: SkippedLine[];
}

/**
 * Errnos that say the path itself cannot name a ledger (under a file, a symlink loop, too long):
 * a usage error (exit 2), as for a --path that names a directory.
 */
const PATH_CANNOT_BE_A_LEDGER = new Set(['ENOTDIR', 'ELOOP', 'ENAMETOOLONG']);

const DENIED_HINT = `This user may not reach it (a memory directory another user owns, or without search permission). ${UNREADABLE_HINT}`;

/** The ledger's stat, or undefined when it is missing; any other problem is named with the path. */
function statLedger(file: string, what: string): Stats | undefined {
  let st: Stats;
  try {
    st = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    const message = `cannot read the ${what} ${file}: ${(e as Error).message}`;
    if (code !== undefined && PATH_CANNOT_BE_A_LEDGER.has(code)) throw usageError('ledger-unreadable', message, 'Check the path and its permissions.');
    // A path that could be a ledger, which this user may not reach (or a failing disk): the flags
    // are right, the host is not; exit 1 as the core readers give for the same ledger.
    throw new AosError('ledger-unreadable', message, { hint: deniedErrno(e) ? DENIED_HINT : 'Check the path and its permissions.', cause: e });
  }
  if (st.isFile()) return st;
  throw usageError('ledger-not-a-file', `the ${what} ${file} is not a file`, 'Point the flag at a JSONL ledger file.');
}

function present(file: string, what: string): boolean {
  return statLedger(file, what) !== undefined;
}

/**
 * The registry's size in bytes, -1 when it does not exist yet: add, update and retire compare it
 * before and after they read the registry. A path that cannot be a registry (under a file, a
 * symlink loop, a directory) is refused here with the path, as the readers refuse it.
 */
export function registrySize(file: string): number {
  return statLedger(file, 'organ registry')?.size ?? -1;
}

export async function loadRegistry(file: string, opts: { tornTail?: 'error' } = {}): Promise<Loaded<OrganLine> & { registry: Registry }> {
  const loaded = await loadLedger(file, 'organ registry', 'organ', (r) => r, opts);
  return { ...loaded, registry: foldRegistry(loaded.items) };
}

export function loadPromotions(file: string): Promise<Loaded<PromotionLike>> {
  return loadLedger(file, 'promotion ledger', 'mutation-promotion', (r) => ({
    promotion_id: r.promotion_id, timestamp: r.timestamp, mutation_id: r.mutation_id, status: r.status, changed_paths: r.changed_paths, changed_organs: r.changed_organs,
  }));
}

export function loadGenerations(file: string): Promise<Loaded<GenerationLike>> {
  return loadLedger(file, 'generation ledger', 'generation', (r) => ({
    timestamp: r.timestamp, lineage_status: r.lineage_status, generation: r.generation, mutation_id: r.mutation_id, changed_organs: r.changed_organs,
  }));
}

export function loadVerifications(file: string): Promise<Loaded<VerificationLike>> {
  return loadLedger(file, 'verification ledger', 'mutation-result', (r) => ({ verification_id: r.verification_id, timestamp: r.timestamp, status: r.status, changed_paths: r.changed_paths }));
}

/**
 * One ledger, keeping `keep(record)` of each record. A torn final line the reader skips is named
 * in the status (`loaded:<n>;skipped:torn-tail@<line>`) and in `skipped`, whose messages the
 * outputs put in their `limits`: a script reading stdout must see that the view is incomplete.
 */
async function loadLedger<N extends LedgerSchemaName, T>(file: string, what: string, schema: N, keep: (r: StoredRecord<N>) => T, opts: { tornTail?: 'error' } = {}): Promise<Loaded<T>> {
  const items: T[] = [];
  const skipped: SkippedLine[] = [];
  if (!present(file, what)) return { items, status: MISSING, skipped };
  for await (const { record } of readRecords(file, schema, { ...opts, skipped })) items.push(keep(record));
  return { items, status: `loaded:${items.length}${skipped.map((s) => `;skipped:${s.kind}@${s.line}`).join('')}`, skipped };
}

/** The `limits` lines of the records the readers skipped, in the order the ledgers were read. */
export function skippedLimits(...loaded: readonly Pick<Loaded<unknown>, 'skipped'>[]): string[] {
  return loaded.flatMap((l) => l.skipped.map((s) => s.message));
}

export interface MeasureSources {
  promotions: string;
  generations: string;
  verifications: string;
}

export async function loadMeasureInputs(paths: MeasureSources): Promise<{ inputs: MeasureInputs; statuses: Record<string, string>; skipped: string[] }> {
  const [promotions, generations, verifications] = await Promise.all([
    loadPromotions(paths.promotions),
    loadGenerations(paths.generations),
    loadVerifications(paths.verifications),
  ]);
  return {
    inputs: { promotions: promotions.items, generations: generations.items, verifications: verifications.items },
    statuses: { promotions: promotions.status, generations: generations.status, verifications: verifications.status },
    skipped: skippedLimits(promotions, generations, verifications),
  };
}
