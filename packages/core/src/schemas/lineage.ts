import { z } from 'zod';
import { CheckStatus } from './check.js';
import { ChainLink, Fingerprint, LogRef, SchemaVersion, Sha256, Timestamp } from './common.js';
import { PROMOTION_STATUSES } from './promotion.js';
import { VERIFICATION_STATUSES } from './verification.js';

/**
 * The evolve loop's archive: one line of `lineage.jsonl` per attempt (docs/evolve.md).
 *
 * Attempts form a tree, not a chain: `parent_attempt_id` is the previous attempt of the same run,
 * or, for a run's first attempt, the attempt given with `--from-attempt` (or null).
 * `verdict` is P1's verdict on the attempt's proposal; `error` also covers attempts that never
 * reached P1 (the generator crashed, timed out, printed garbage, or its patch was refused).
 */
export const ATTEMPT_VERDICTS = VERIFICATION_STATUSES;

/** Where an attempt ended: the last stage it entered. */
export const ATTEMPT_STAGES = ['handoff', 'generate', 'propose', 'verify', 'promote'] as const;

/** Who proposed: the command line, and a digest of it and of the files it names. */
export const GeneratorIdentity = z.strictObject({
  /** The `--generator` value as given. */
  command: z.string(),
  /** The argv it was split into (no shell). */
  argv: z.array(z.string()).min(1),
  /** Files named by the argv (the executable and, e.g., a script it runs), with their content digest. */
  files: z.array(z.strictObject({ path: z.string(), sha256: Sha256 })),
  /** Framed digest of the argv and of those files' digests: changes when the generator does. */
  digest: Sha256,
});
export type GeneratorIdentity = z.infer<typeof GeneratorIdentity>;

/** How the generator process ended, with its full output kept as log files. */
export const GeneratorRun = z.strictObject({
  outcome: z.enum(['exited', 'timeout', 'cancelled', 'spawn-failed', 'output-too-large']),
  exit_code: z.int().nullable(),
  signal: z.string().nullable(),
  stdout_bytes: z.int().min(0),
  stderr_bytes: z.int().min(0),
  stdout_log: LogRef.optional(),
  stderr_log: LogRef.optional(),
});
export type GeneratorRun = z.infer<typeof GeneratorRun>;

/** The fraction of P1 checks that passed, with the checks themselves as the evidence it rests on. */
export const AttemptScore = z.strictObject({
  /** passed / total, or null when no check ran. */
  value: z.number().min(0).max(1).nullable(),
  passed: z.int().min(0),
  total: z.int().min(0),
  checks: z.array(
    z.strictObject({
      name: z.string(),
      status: CheckStatus,
      stdout_log: LogRef.optional(),
      stderr_log: LogRef.optional(),
    }),
  ),
});
export type AttemptScore = z.infer<typeof AttemptScore>;

export const AttemptDurations = z.strictObject({
  handoff_ms: z.int().min(0),
  generate_ms: z.int().min(0),
  verify_ms: z.int().min(0),
  promote_ms: z.int().min(0).optional(),
  total_ms: z.int().min(0),
});

export const LineageAttempt = z.strictObject({
  schema_version: SchemaVersion,
  attempt_id: z.string().regex(/\S/, 'must not be blank'),
  parent_attempt_id: z.string().nullable(),
  /** The evolve invocation this attempt belongs to. */
  run_id: z.string(),
  /** 1-based position within its run. */
  attempt_number: z.int().min(1),
  timestamp: Timestamp,
  goal: z.string().regex(/\S/, 'must not be blank'),
  generator: GeneratorIdentity,
  generator_run: GeneratorRun.optional(),
  handoff_digest: Sha256.nullable(),
  /** Where the hand-off document given to the generator is kept. */
  handoff_path: z.string().optional(),
  mutation_id: z.string().optional(),
  proposal_fingerprint: Fingerprint.optional(),
  proposal_path: z.string().optional(),
  verdict: z.enum(ATTEMPT_VERDICTS),
  stage: z.enum(ATTEMPT_STAGES),
  reason: z.string(),
  verification_id: z.string().optional(),
  promotion_id: z.string().optional(),
  promotion_status: z.enum(PROMOTION_STATUSES).optional(),
  score: AttemptScore,
  durations: AttemptDurations,
  chain: ChainLink.optional(),
});
export type LineageAttempt = z.infer<typeof LineageAttempt>;
