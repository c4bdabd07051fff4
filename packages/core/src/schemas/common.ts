import { z } from 'zod';
import { RISKS } from '../vocab/journal.js';
import { AUTONOMY_MODES } from '../vocab/policy.js';

import { SCHEMA_VERSION } from './version.js';

/** The schema version written into every record this project produces. */
export { SCHEMA_VERSION };
export const SchemaVersion = z.literal(SCHEMA_VERSION).describe('Record schema version');

export const Timestamp = z.iso.datetime({ offset: true }).describe('RFC 3339 timestamp (UTC)');
export const NonBlank = z.string().regex(/\S/, 'must not be blank');
export const Sha256 = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex>');
/** A fingerprint, or the reason it could not be computed. */
export const Fingerprint = z
  .string()
  .regex(/^(sha256:[0-9a-f]{64}|unavailable:.+|unknown:.+)$/, 'must be sha256:<hex>, unavailable:<why> or unknown:<why>');
export const Metadata = z.record(z.string(), z.string()).describe('Free-form string annotations');

export { RISKS } from '../vocab/journal.js';
export const Risk = z.enum(RISKS);

export { AUTONOMY_MODES } from '../vocab/policy.js';
export const AutonomyMode = z.enum(AUTONOMY_MODES);
export type AutonomyMode = z.infer<typeof AutonomyMode>;

/**
 * Hash-chain link carried by every ledger line (see docs/ledger.md):
 * `seq` counts lines from 1; `prev` is the sha256 of the previous line's bytes
 * (without its newline), or `sha256:` of the empty string for the first line.
 */
export const ChainLink = z
  .strictObject({
    seq: z.int().min(1),
    prev: Sha256,
  })
  .describe('Hash-chain link written by the ledger: line number among records, and the sha256 of the previous line (docs/ledger.md)');
export type ChainLink = z.infer<typeof ChainLink>;

/** A log file kept beside a record: path, digest and size. */
export const LogRef = z.strictObject({
  path: z.string(),
  sha256: Sha256,
  bytes: z.int().min(0),
});
export type LogRef = z.infer<typeof LogRef>;
