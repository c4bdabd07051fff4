import { z } from 'zod';
import { AutonomyMode } from './common.js';

/**
 * `/etc/autopoietic/mutation-runner.json`: the operator's trusted policy. It is not part of the
 * genome, so a proposal cannot change it.
 */
export const OperatorCheck = z.strictObject({
  name: z.string().regex(/\S/),
  command: z.string().regex(/\S/),
  args: z.array(z.string()).optional(),
  timeout_seconds: z.number().positive().optional(),
});

export const HostPolicy = z.strictObject({
  mode: AutonomyMode,
  memory_dir: z.string().optional(),
  protected_paths: z.array(z.string()).optional(),
  operator_checks: z.array(OperatorCheck).optional(),
  default_timeout_seconds: z.number().positive().optional(),
  check_timeouts: z.record(z.string(), z.number().positive()).optional(),
});
export type HostPolicy = z.infer<typeof HostPolicy>;

/** `/etc/autopoietic/identity.json`. */
export const HostIdentity = z.strictObject({
  host: z.string(),
  roles: z.array(z.string()),
});

/**
 * `/etc/autopoietic/observation.json`. A project root must be absolute, as the NixOS option that
 * writes it requires (`strMatching "/.*"`): `""` or `projects` has no directory of its own to be
 * read against, and was taken as one (the etc dir, or the working directory).
 */
export const ObservationConfig = z.strictObject({
  project_roots: z.array(z.string().regex(/^\//, 'must be an absolute path (start with /)')),
  include_shell_history_by_default: z.boolean(),
});
