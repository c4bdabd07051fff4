import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { writeFileAtomic } from '../adapters/fs-safe.js';
import { AosError } from '../cli-kit/errors.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import { nowRfc3339 } from '../canonical/time.js';
import { SCHEMA_VERSION } from '../schemas/common.js';
import type { LedgerCheckpoint } from '../schemas/ledger.js';
import { checkpointPathFor } from './checkpoint-file.js';
import { checkLedgerFile } from './ledger-file.js';
import { withLock, type LockOptions } from './lock.js';
import type { LedgerSchemaName } from './validate.js';
import type { LedgerReport } from './ledger-report.js';
import { verifyLedger } from './verify.js';

export interface CheckpointOutcome {
  path: string;
  checkpoint: LedgerCheckpoint;
  report: LedgerReport;
}

/**
 * Records the current head (seq and digest) of a ledger in `<ledger>.checkpoint.json` (or
 * `opts.to`), replacing the previous checkpoint atomically. Only a ledger that verifies cleanly,
 * including against its previous checkpoint, gets a new one: a checkpoint vouches for every line
 * up to its head. Taken under the ledger lock, so no append slips in between check and write.
 */
export async function checkpointLedger(
  file: string,
  schemaName?: LedgerSchemaName,
  opts: LockOptions & { to?: string } = {},
): Promise<CheckpointOutcome> {
  const path = resolve(file);
  const target = resolve(opts.to ?? checkpointPathFor(path));
  checkLedgerFile(path); // before the lock: a path that is no ledger is named as such, not as a lock it cannot create
  return withLock(
    path,
    async () => {
      // Check against the checkpoint being replaced, so that a new one never papers over a truncation.
      const report = await verifyLedger(path, schemaName, { checkpoint: existsSync(target) ? target : undefined, underLock: true });
      if (report.status !== 'ok' || !report.head) {
        const why = !report.exists ? 'it does not exist' : report.head ? `it does not verify (${report.status}, ${report.problems.length} problem(s))` : 'it has no records';
        throw new AosError('checkpoint-refused', `not checkpointing ledger ${path}: ${why}`, {
          hint: `Run \`mutation-journal ledger verify --path ${shellQuote(path)}\` and resolve what it reports first.`,
          details: { report },
        });
      }
      const checkpoint: LedgerCheckpoint = {
        schema_version: SCHEMA_VERSION,
        ledger: basename(path),
        seq: report.head.seq,
        digest: report.head.digest,
        line: report.head.line,
        recorded_at: nowRfc3339(),
      };
      writeFileAtomic(target, `${JSON.stringify(checkpoint, null, 2)}\n`);
      return { path: target, checkpoint, report };
    },
    opts,
  );
}
