import { z } from 'zod';
import { SchemaVersion, Timestamp } from './common.js';
import { BodyState, MemoryState } from './self-state-body.js';
import { GenomeState } from './self-state-genome.js';

export * from './self-state-body.js';
export * from './self-state-genome.js';

/** `none`: no identity file, none in the genome, and the machine has no hostname (`host` is then ''). */
export const IDENTITY_SOURCES = ['identity-file', 'genome', 'hostname', 'none'] as const;

export const PainPoint = z.strictObject({
  signal: z.string(),
  /** The observations it rests on (counts, unit names, file:line...). */
  evidence: z.array(z.string()).min(1),
  candidate: z.string(),
  source: z.enum(['shell-history', 'systemd', 'generations', 'genome', 'memory', 'host-configuration']),
});
export type PainPoint = z.infer<typeof PainPoint>;

/**
 * Self-state emitted by os-introspect (docs/self-state.md): who this host is, its genome read as
 * Nix structure, the running body, and the health of its memory. Strict at every level.
 */
export const SelfState = z.strictObject({
  schema_version: SchemaVersion,
  observed_at: Timestamp,
  identity: z.strictObject({
    host: z.string(),
    roles: z.array(z.string()),
    source: z.enum(IDENTITY_SOURCES),
    /** Where the values came from (a file, `file:line`), and why earlier sources were passed over. */
    detail: z.string().optional(),
  }),
  genome: GenomeState,
  body: BodyState,
  memory: MemoryState,
  pain_points: z.array(PainPoint),
});
export type SelfState = z.infer<typeof SelfState>;
