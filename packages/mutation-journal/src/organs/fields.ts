import { usageError } from '@autopoietic/core/cli-kit';
import { DECAY_STATUSES, ORGAN_TYPES } from '@autopoietic/core/vocab';
import { organNameProblem, quotedName, sourceKey } from './names.js';

/**
 * Validation of the organ flags shared by add and update. Every failure is a usage error
 * (exit 2) raised before anything is read or written; the messages name the flag and the value.
 */
export type OrganType = (typeof ORGAN_TYPES)[number];
export type DecayStatus = (typeof DECAY_STATUSES)[number];

/** Optional fields `organ update --unset` can clear. */
export const UNSETTABLE = ['created_by', 'usage_count', 'failure_count', 'related_goals', 'decay_status'] as const;
export type Unsettable = (typeof UNSETTABLE)[number];

/** A trimmed, non-blank value; the message matches the reference ("organ <field> must not be empty"). */
export function nonBlank(field: string, value: string, flag: string): string {
  const v = value.trim();
  if (v === '') throw usageError('organ-field-empty', `organ ${field} must not be empty`, `Pass a non-blank ${flag}.`);
  return v;
}

/**
 * An organ source: non-blank, and a path inside the genome, relative to its root. Measuring
 * matches a source against the genome-relative paths that verifications and promotions touch
 * (sourceKey), so an absolute path (`/abs/x.nix`), one that climbs out (`src/../../etc`) or the
 * root itself (`.`) would never match anything: the organ would look unused forever. Refused
 * (exit 2) when given; sources already recorded are read as they are.
 */
export function organSource(value: string, flag: string): string {
  const v = nonBlank('source', value, flag);
  const key = sourceKey(v);
  const problem = key.startsWith('/') ? 'is an absolute path'
    : key === '..' || key.startsWith('../') ? 'leads out of the genome root'
    : key === '' ? 'names the genome root itself'
    : undefined;
  if (problem) {
    throw usageError('organ-source-invalid', `organ source ${JSON.stringify(value)} ${problem}: a source is a file or directory inside the genome, relative to its root`,
      `Pass ${flag} as the genome-relative path that changes touch, e.g. ${flag} modules/foo.nix or ${flag} pkgs/foo.`);
  }
  return v;
}

/**
 * The <name> argument of update and retire, which names a current organ. An empty or blank one
 * names none: a usage error of its own (exit 2), where it was looked up and reported as "no
 * organ named "" is registered", or, without a field flag, as an update with no change.
 * `listCommand` (the `organ list` of the registry the flags chose) is only built for the hint.
 */
export function organArgument(value: string, verb: 'update' | 'retire', listCommand: () => string): string {
  if (value.trim() !== '') return value;
  const given = value === '' ? 'an empty name' : `the blank name ${quotedName(value)}`;
  throw usageError('organ-name-blank', `organ ${verb} needs the name of a current organ, got ${given}`,
    `Pass the organ's name as the argument, e.g. \`mutation-journal organ ${verb} <name> ...\`; \`${listCommand()}\` shows the names.`);
}

/** A new organ name: non-blank (trimmed), and free of the characters organNameProblem names (exit 2). */
export function organName(value: string, flag: string): string {
  return wellFormedOrganName(nonBlank('name', value, flag), flag);
}

/** `name` unchanged, or a usage error naming the first character organNameProblem refuses. */
export function wellFormedOrganName(name: string, flag: string): string {
  const problem = organNameProblem(name);
  if (problem) {
    throw usageError('organ-name-invalid', `organ name ${quotedName(name)} ${problem}`,
      `Pass a ${flag} on one line without control or invisible characters: names are shown in tables, Markdown hand-offs and the lineage.`);
  }
  return name;
}

export function organType(value: string): OrganType {
  const v = value.trim();
  if ((ORGAN_TYPES as readonly string[]).includes(v)) return v as OrganType;
  throw usageError('organ-type-unknown', `unknown organ type "${value}"`, `--type must be one of: ${ORGAN_TYPES.join(', ')}.`);
}

export function decayStatus(value: string): DecayStatus {
  const v = value.trim();
  if ((DECAY_STATUSES as readonly string[]).includes(v)) return v as DecayStatus;
  throw usageError(
    'organ-status-unknown',
    `unknown decay status "${value}"`,
    `--decay-status must be one of: ${DECAY_STATUSES.join(', ')}.`,
  );
}

export function count(flag: string, value: string): number {
  const v = value.trim();
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw usageError('organ-count-invalid', `${flag} must be a non-negative integer, got "${value}"`,
      `Pass a whole number of 0 or more, e.g. ${flag} 3.`);
  }
  return Number(v);
}

export function goals(values: readonly string[]): string[] {
  return values.map((g) => nonBlank('related goal', g, '--related-goal'));
}

export function unsettable(values: readonly string[]): Unsettable[] {
  return values.map((v) => {
    const f = v.trim().replaceAll('-', '_');
    if ((UNSETTABLE as readonly string[]).includes(f)) return f as Unsettable;
    throw usageError('organ-unset-unknown', `--unset cannot clear "${v}"`, `--unset takes one of: ${UNSETTABLE.join(', ')}.`);
  });
}

export function positiveDays(flag: string, value: string): number {
  const v = value.trim();
  if (!/^\d+$/.test(v) || Number(v) < 1 || !Number.isSafeInteger(Number(v))) {
    throw usageError('organ-days-invalid', `${flag} must be a whole number of days, 1 or more, got "${value}"`,
      `For example ${flag} 90.`);
  }
  return Number(v);
}
