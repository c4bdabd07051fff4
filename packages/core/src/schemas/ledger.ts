import { z } from 'zod';
import { SchemaVersion, Sha256, Timestamp } from './common.js';

/**
 * `<ledger>.checkpoint.json`: the head of a ledger at a moment in time (docs/ledger.md). With it,
 * `ledger verify` also detects a truncation or an edit of the lines up to that head, which the
 * chain alone cannot (removing the last lines leaves a valid, shorter chain).
 */
export const LedgerCheckpoint = z.strictObject({
  schema_version: SchemaVersion,
  /** File name of the ledger (not a path: the pair may be moved together). */
  ledger: z.string().regex(/\S/, 'must not be blank'),
  seq: z.int().min(1),
  digest: Sha256,
  /** Physical line number of the head line when the checkpoint was taken. */
  line: z.int().min(1),
  recorded_at: Timestamp,
});
export type LedgerCheckpoint = z.infer<typeof LedgerCheckpoint>;
