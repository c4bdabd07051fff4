import { z } from 'zod';
import { SchemaVersion, Timestamp } from './common.js';

/**
 * Self-state emitted by os-introspect. Owned by the os-introspect work: extend here, keep it strict.
 */
export const SelfState = z.strictObject({
  schema_version: SchemaVersion,
  observed_at: Timestamp,
  identity: z.strictObject({ host: z.string(), roles: z.array(z.string()), source: z.string().optional() }),
  genome: z.record(z.string(), z.unknown()),
  body: z.record(z.string(), z.unknown()),
  memory: z.record(z.string(), z.unknown()),
  pain_points: z.array(
    z.strictObject({ signal: z.string(), evidence: z.array(z.string()), candidate: z.string() }),
  ),
});
export type SelfState = z.infer<typeof SelfState>;
