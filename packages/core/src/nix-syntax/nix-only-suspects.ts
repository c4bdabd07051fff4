import { typeKinds } from './type-kinds.js';

/**
 * Which nodes nixOnlyErrors (nix-only-errors.ts) must look at: integers long enough to overflow,
 * floats, path fragments, and identifiers two characters long (`or`). Kept apart from it so that
 * the tree dump (tree-memory.ts) can list them as it writes each node, in the thread that parses:
 * the thread that analyses then reads a handful of nodes instead of all of them.
 */
export const SUSPECT_INTEGER = 1;
export const SUSPECT_FLOAT = 2;
export const SUSPECT_PATH_FRAGMENT = 3;
export const SUSPECT_IDENTIFIER = 4;

const KIND_OF_TYPE: Readonly<Record<string, number>> = {
  integer_expression: SUSPECT_INTEGER,
  float_expression: SUSPECT_FLOAT,
  path_fragment: SUSPECT_PATH_FRAGMENT,
  identifier: SUSPECT_IDENTIFIER,
};

/** The kind (above) of each type id of a grammar's `types`, 0 for the others; ERROR's id (65535) falls past the end. */
export function suspectKinds(types: readonly string[]): Uint8Array {
  return typeKinds(types, KIND_OF_TYPE);
}

/** Whether a node of `kind` from `start` to `end` (UTF-16 code units) may be one Nix rejects. */
export function isSuspect(kind: number, start: number, end: number): boolean {
  if (kind === SUSPECT_INTEGER) return end - start >= 19; // 2^63 has 19 digits
  if (kind === SUSPECT_IDENTIFIER) return end - start === 2;
  return kind !== 0;
}
