import { statSync, type Stats } from 'node:fs';
import { deniedErrno } from '@autopoietic/core/adapters';
import { AosError, usageError } from '@autopoietic/core/cli-kit';
import { readRecords, UNREADABLE_HINT } from '@autopoietic/core/ledger';
import { foldRegistry, type OrganLine, type Registry } from './history.js';
import type { GenerationLike, MeasureInputs, PromotionLike, VerificationLike } from './measure.js';

/**
 * Reading the ledgers the organ commands use. A missing ledger counts as empty and is reported
 * as `missing:treated-as-empty`; a loaded one as `loaded:<records>`. Only the fields the organ
 * logic needs are kept, so a large verification ledger does not stay in memory.
 */
export const MISSING = 'missing:treated-as-empty';

export interface Loaded<T> {
  items: T[];
  status: string;
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

export async function loadRegistry(file: string): Promise<Loaded<OrganLine> & { registry: Registry }> {
  const items: OrganLine[] = [];
  const exists = present(file, 'organ registry');
  if (exists) for await (const { record } of readRecords(file, 'organ')) items.push(record);
  return { items, registry: foldRegistry(items), status: exists ? `loaded:${items.length}` : MISSING };
}

export async function loadPromotions(file: string): Promise<Loaded<PromotionLike>> {
  const items: PromotionLike[] = [];
  const exists = present(file, 'promotion ledger');
  if (exists) {
    for await (const { record: r } of readRecords(file, 'mutation-promotion')) {
      items.push({ promotion_id: r.promotion_id, timestamp: r.timestamp, mutation_id: r.mutation_id, status: r.status, changed_paths: r.changed_paths, changed_organs: r.changed_organs });
    }
  }
  return { items, status: exists ? `loaded:${items.length}` : MISSING };
}

export async function loadGenerations(file: string): Promise<Loaded<GenerationLike>> {
  const items: GenerationLike[] = [];
  const exists = present(file, 'generation ledger');
  if (exists) {
    for await (const { record: r } of readRecords(file, 'generation')) {
      items.push({ timestamp: r.timestamp, lineage_status: r.lineage_status, generation: r.generation, mutation_id: r.mutation_id, changed_organs: r.changed_organs });
    }
  }
  return { items, status: exists ? `loaded:${items.length}` : MISSING };
}

export async function loadVerifications(file: string): Promise<Loaded<VerificationLike>> {
  const items: VerificationLike[] = [];
  const exists = present(file, 'verification ledger');
  if (exists) {
    for await (const { record: r } of readRecords(file, 'mutation-result')) {
      items.push({ verification_id: r.verification_id, timestamp: r.timestamp, status: r.status, changed_paths: r.changed_paths });
    }
  }
  return { items, status: exists ? `loaded:${items.length}` : MISSING };
}

export interface MeasureSources {
  promotions: string;
  generations: string;
  verifications: string;
}

export async function loadMeasureInputs(paths: MeasureSources): Promise<{ inputs: MeasureInputs; statuses: Record<string, string> }> {
  const [promotions, generations, verifications] = await Promise.all([
    loadPromotions(paths.promotions),
    loadGenerations(paths.generations),
    loadVerifications(paths.verifications),
  ]);
  return {
    inputs: { promotions: promotions.items, generations: generations.items, verifications: verifications.items },
    statuses: { promotions: promotions.status, generations: generations.status, verifications: verifications.status },
  };
}
