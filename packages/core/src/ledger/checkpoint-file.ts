import { MAX_SETTINGS_FILE_BYTES, readBoundedFile } from '../adapters/bounded-read.js';
import { AosError } from '../cli-kit/errors.js';
import { LedgerCheckpoint } from '../schemas/ledger.js';
import { shellQuote } from '../cli-kit/shell-quote.js';
import { afterBom, startsWithBom } from './line-marks.js';
import { checkpointPathFor } from './paths.js';
import { describeIssues } from './validate.js';

export { CHECKPOINT_SUFFIX, checkpointPathFor } from './paths.js';

/**
 * Reads and validates a checkpoint file. A missing file is undefined unless `required` (an
 * explicitly named checkpoint must exist); an unreadable or invalid one is an error, never
 * silently ignored, since ignoring it would hide exactly the truncation it exists to catch.
 * `ledger` (the ledger it is read for) lets a missing one's hint spell the command that takes it.
 */
export function readCheckpoint(path: string, required: boolean, ledger?: string): LedgerCheckpoint | undefined {
  const read = readBoundedFile(path, MAX_SETTINGS_FILE_BYTES);
  if (!read.ok && read.code === 'ENOENT' && !required) return undefined;
  if (!read.ok && read.code === 'ENOENT') throw missing(path, ledger);
  if (!read.ok) {
    throw new AosError('checkpoint-unreadable', `cannot read the ledger checkpoint ${path}: ${read.reason}`, {
      hint: 'Create one with `mutation-journal ledger checkpoint --path <ledger>`, or name an existing file.',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(read.bytes.toString('utf8'));
  } catch (e) {
    if (startsWithBom(read.bytes) && afterBom(read.bytes) === 'json') throw byteOrderMark(path);
    throw invalid(path, ['not valid JSON'], e);
  }
  const parsed = LedgerCheckpoint.safeParse(value);
  if (!parsed.success) throw invalid(path, describeIssues(parsed.error));
  return parsed.data;
}

/** It said "cannot read ...: ENOENT" and to take one "with --path <ledger>", the ledger being known. */
function missing(path: string, ledger: string | undefined): AosError {
  return new AosError('checkpoint-unreadable', `there is no ledger checkpoint ${path}${ledger === undefined ? '' : ` for ${ledger}`}`, {
    hint: `${takeCheckpointHint(path, ledger)}, or name an existing checkpoint file.`,
  });
}

/** How to take the missing checkpoint `path` of `ledger`: the command, with `--to` when it is not the default file. */
export function takeCheckpointHint(path: string, ledger: string | undefined): string {
  return `Take one with \`${takeCheckpointCommand(path, ledger)}\` (once the ledger verifies)`;
}

/** The `ledger checkpoint` command that writes the checkpoint `path` of `ledger`. */
export function takeCheckpointCommand(path: string, ledger: string | undefined): string {
  const to = ledger === undefined || checkpointPathFor(ledger) === path ? '' : ` --to ${shellQuote(path)}`;
  return `mutation-journal ledger checkpoint --path ${ledger === undefined ? '<ledger>' : shellQuote(ledger)}${to}`;
}

function invalid(path: string, issues: string[], cause?: unknown): AosError {
  return new AosError('checkpoint-invalid', `the ledger checkpoint ${path} is invalid: ${issues.join('; ')}`, {
    hint: 'A checkpoint is only written by `ledger checkpoint`; restore it from where you keep a copy, or remove it and take a new one after checking the ledger.',
    cause,
  });
}

/** Only an editor's byte-order mark stands between this checkpoint and its JSON: say so, rather than "remove it". */
function byteOrderMark(path: string): AosError {
  return new AosError('checkpoint-byte-order-mark', `the ledger checkpoint ${path} starts with a byte-order mark (U+FEFF): an editor saved it as 'UTF-8 with BOM'`, {
    hint: `Remove the BOM with \`sed -i '1s/^\\xEF\\xBB\\xBF//' ${shellQuote(path)}\` (it deletes only those 3 bytes); the checkpoint after it is intact.`,
  });
}
