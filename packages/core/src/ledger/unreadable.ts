import { basename, resolve } from 'node:path';
import { deniedErrno, type DeniedErrno } from '../adapters/errno.js';
import { schemaForFileName, type LedgerSchemaName } from './validate.js';
import type { LedgerReport } from './ledger-report.js';
import { verifyLedger, type VerifyOptions } from './verify.js';

/**
 * A ledger this user may not read (a memory directory another user owns, a registry with mode
 * 0600, a CI step as a build user). Nothing is known about its chain: it is no damage, and
 * `ledger repair` is no remedy, so it is a status of its own rather than `broken`.
 */
export interface UnreadableLedger extends Omit<LedgerReport, 'status'> {
  status: 'unreadable';
  /** The errno that refused the read. */
  errno: DeniedErrno;
  /** What could not be read (the ledger, its directory or its checkpoint), from the error. */
  reason: string;
}

/** What a health check of a ledger found: its verify report, or that it is out of this user's reach. */
export type LedgerHealth = LedgerReport | UnreadableLedger;

// The wording of the problem and its remedy lives in core vocab, where os-introspect reads it
// without loading zod.
export { NOT_READABLE, UNREADABLE_HINT } from '../vocab/ledger-access.js';

/**
 * verifyLedger for the commands that report on ledgers (os-introspect's memory, `ledger verify`):
 * a ledger the user may not read is reported as `unreadable` instead of ending the command, so
 * the others are still checked. Readers that use the records (gates, lineage) call verifyLedger,
 * which throws: they must fail closed, never read "unreadable" as "empty".
 */
export async function checkLedgerHealth(file: string, schemaName?: LedgerSchemaName, opts: VerifyOptions = {}): Promise<LedgerHealth> {
  try {
    return await verifyLedger(file, schemaName, opts);
  } catch (e) {
    const errno = deniedErrno(e);
    if (errno === undefined) throw e;
    const path = resolve(file);
    const schema = schemaName ?? schemaForFileName(basename(path)) ?? null;
    // Whether it exists is not known when its directory cannot be searched: `exists` says that something may be there.
    return { path, exists: true, schema, lines: 0, blank_lines: 0, bytes: 0, head: null, status: 'unreadable', problems: [], errno, reason: (e as Error).message };
  }
}
