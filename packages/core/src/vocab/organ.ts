/**
 * Organ registry vocabularies (P4), as plain constants: the zod schemas in schemas/organ.ts build
 * their enums from these, and `mutation-journal organ ... --help` lists them without loading zod.
 */

/** What kind of capability an organ is. */
export const ORGAN_TYPES = [
  'tmp-tool',
  'cli',
  'dev-shell',
  'package',
  'home-manager-module',
  'nixos-module',
  'systemd-service',
  'systemd-timer',
  'overlay',
] as const;

/** A decay status an organ can be declared with (`organ add|update --decay-status`). */
export const DECAY_STATUSES = ['active', 'candidate', 'stale', 'duplicate', 'failed'] as const;

/** What a registry line does to an organ: the current state of an organ is its latest version. */
export const ORGAN_EVENTS = ['add', 'update', 'retire'] as const;

/** Statuses `organ review` assigns; `unknown` and `retired` are never declared. */
export const REVIEW_STATUSES = ['active', 'candidate', 'stale', 'duplicate', 'failed', 'unknown', 'retired'] as const;

/** `organ review --stale-after` default: an organ not touched for this many days is stale. */
export const DEFAULT_STALE_AFTER_DAYS = 90;
