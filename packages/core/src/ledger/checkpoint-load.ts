import { basename } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import type { LedgerCheckpoint } from '../schemas/ledger.js';
import { readCheckpoint, takeCheckpointCommand, takeCheckpointHint } from './checkpoint-file.js';
import type { CheckpointFault, CheckpointFaultStatus, MissingCheckpoint } from './ledger-report.js';

/** The checkpoint to check the ledger against, or what keeps it from being used (when reported rather than thrown). */
export type LoadedCheckpoint = { checkpoint: LedgerCheckpoint } | { result: MissingCheckpoint | CheckpointFault } | undefined;

/** The error each fault is thrown as (one ledger named by --path or --kind), and its status when reported. */
const FAULT_OF_CODE: Record<string, CheckpointFaultStatus> = {
  'checkpoint-invalid': 'invalid',
  'checkpoint-byte-order-mark': 'byte-order-mark',
  'checkpoint-unreadable': 'unreadable',
  'checkpoint-mismatch': 'other-ledger',
};

/**
 * Reads the checkpoint `cpPath` of the ledger at `ledger` and checks that it is that ledger's.
 * Without `report` every problem is thrown (checkpoint-unreadable, -invalid, -byte-order-mark,
 * -mismatch); with it (`ledger verify --all`), a required one that does not exist and one that
 * cannot be used are returned as the ledger's checkpoint result, each with what is wrong and how to
 * fix it, so that the other ledgers are still checked.
 */
export function loadCheckpoint(cpPath: string, required: boolean, ledger: string, report: boolean): LoadedCheckpoint {
  try {
    const checkpoint = readCheckpoint(cpPath, required && !report, ledger);
    if (checkpoint === undefined) return required ? { result: { path: cpPath, status: 'missing', hint: `${takeCheckpointHint(cpPath, ledger)}.` } } : undefined;
    if (checkpoint.ledger !== basename(ledger)) {
      throw new AosError('checkpoint-mismatch', `the checkpoint ${cpPath} belongs to ledger ${checkpoint.ledger}, not ${basename(ledger)}`, {
        hint: 'Name the checkpoint of this ledger with --checkpoint, or verify the ledger it belongs to.',
      });
    }
    return { checkpoint };
  } catch (e) {
    const status = report && e instanceof AosError ? FAULT_OF_CODE[e.code] : undefined;
    if (status === undefined || !(e instanceof AosError)) throw e;
    return { result: { path: cpPath, status, reason: e.message, hint: faultHint(status, cpPath, ledger, e.hint) } };
  }
}

/**
 * How to fix the checkpoint of this ledger. `ledger checkpoint` checks the ledger against the
 * checkpoint it replaces, so a checkpoint it cannot use must be moved aside first (kept, not deleted).
 */
function faultHint(status: CheckpointFaultStatus, cpPath: string, ledger: string, errorHint: string | undefined): string {
  if (status === 'byte-order-mark' && errorHint) return errorHint; // the checkpoint after the BOM is intact
  const aside = `mv ${shellQuote(cpPath)} ${shellQuote(`${cpPath}.${status}`)} && ${takeCheckpointCommand(cpPath, ledger)}`;
  const why = {
    invalid: 'A checkpoint is only written by `ledger checkpoint`: restore it from where you keep a copy, or move it aside and take a new one once the ledger verifies',
    unreadable: 'Make it a regular file this user may read, or move it aside and take a new one once the ledger verifies',
    'other-ledger': `It is the checkpoint of another ledger, not of ${basename(ledger)}: move it aside and take this ledger's own once it verifies`,
  }[status as Exclude<CheckpointFaultStatus, 'byte-order-mark'>];
  return `${why}: \`${aside}\`.`;
}
