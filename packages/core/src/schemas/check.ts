import { z } from 'zod';
import { LogRef } from './common.js';

export const CHECK_STATUSES = ['passed', 'failed', 'error'] as const;
export const CheckStatus = z.enum(CHECK_STATUSES);

/** The result of one check (apply-patch, nix-flake-check, an expected check, vm-check:<name>). */
export const CheckResult = z.strictObject({
  name: z.string(),
  command: z.string(),
  args: z.array(z.string()).optional(),
  status: CheckStatus,
  exit_code: z.int().nullable(),
  /** Why a check is not `passed` when the exit code does not say it: timeout, spawn-failed, not-run, ... */
  reason: z.string().optional(),
  /** Bounded tails (about 8 KiB) of the captured output; the full text is in the log files. */
  stdout: z.string(),
  stderr: z.string(),
  stdout_log: LogRef.optional(),
  stderr_log: LogRef.optional(),
  duration_ms: z.int().min(0).optional(),
  /** Store paths produced by a `nix build` check. */
  out_paths: z.array(z.string()).optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;
