import { z } from 'zod';

/** The running-system half of the self-state: every probe says whether it could look, and why not. */

const Probe = {
  available: z.boolean(),
  /** Why the probe could not look (missing command, no systemd, permission...). */
  reason: z.string().optional(),
};

export const SystemdUnit = z.strictObject({
  name: z.string(),
  load: z.string(),
  active: z.string(),
  sub: z.string(),
  description: z.string().optional(),
});

export const ProjectSummary = z.strictObject({
  path: z.string(),
  exists: z.boolean(),
  sampled_files: z.int().min(0).optional(),
  /** True when the walk stopped at --max-project-files. */
  truncated: z.boolean().optional(),
  /** `[suffix, count]`, most common first (ties by name), at most 12. */
  top_suffixes: z.array(z.tuple([z.string(), z.int().min(0)])).optional(),
  /** Why the root was not sampled, or not wholly: missing, not a directory, not listable. */
  reason: z.string().optional(),
});

export const BodyState = z.strictObject({
  platform: z.strictObject({
    system: z.string(),
    release: z.string(),
    machine: z.string(),
    nix_system: z.string(),
    hostname: z.string(),
  }),
  systemd: z.strictObject({ ...Probe, source: z.enum(['json', 'text']).optional(), units: z.array(SystemdUnit) }),
  installed_packages: z.strictObject({ ...Probe, source: z.string().optional(), packages: z.array(z.string()) }),
  generations: z.strictObject({
    ...Probe,
    profiles_dir: z.string(),
    current_system: z.string().nullable(),
    /**
     * Sorted by generation number (numerically). `dangling`: the link is there but what it points
     * at is not (a store path deleted despite the root, a profile copied without its store): the
     * generation can be neither booted nor rolled back to.
     */
    system_generations: z.array(
      z.strictObject({ generation: z.int().min(0), path: z.string(), target: z.string().nullable(), dangling: z.boolean(), current: z.boolean() }),
    ),
  }),
  journal: z.strictObject({ included: z.boolean(), ...Probe, entries: z.array(z.string()) }),
  projects: z.array(ProjectSummary),
  project_roots_source: z.enum(['flag', 'observation.json', 'genome-root']),
  shell_history: z.strictObject({
    included: z.boolean(),
    reason: z.string().optional(),
    source: z.enum(['flag', 'observation.json']).optional(),
    files: z.array(z.string()).optional(),
    entries: z.array(z.string()).optional(),
  }),
  observation_config: z.strictObject({ path: z.string(), present: z.boolean(), valid: z.boolean(), error: z.string().optional() }),
});
export type BodyState = z.infer<typeof BodyState>;

/** `unreadable`: this user may not read the ledger (EACCES, EPERM); nothing is known about its chain. */
export const LEDGER_STATUSES = ['ok', 'torn-tail', 'broken', 'missing', 'unreadable'] as const;

export const MemoryState = z.strictObject({
  /** The resolved memory directory. */
  root: z.string(),
  source: z.enum(['flag', 'env', 'host-policy', 'genome-root']),
  ledgers: z.array(
    z.strictObject({
      kind: z.string(),
      path: z.string(),
      exists: z.boolean(),
      lines: z.int().min(0),
      status: z.enum(LEDGER_STATUSES),
      head_seq: z.int().min(0).nullable(),
      problems: z.int().min(0),
      first_problem: z.string().optional(),
    }),
  ),
});
export type MemoryState = z.infer<typeof MemoryState>;
