import { type AosError, usageError } from '../cli-kit/errors.js';

/**
 * The rule for a generation's parent, for every command that builds a generation record from
 * flags (mutation-runner install-plan, mutation-journal generation).
 *
 * A generation descends from another one: a record naming itself as its parent is a typo that
 * lineage cannot draw (it silently got no parent edge). Checked on writes, as a usage error
 * before anything is read, never as a schema refinement: lines already in a ledger are read as
 * before (a refinement would make an old ledger fail `ledger verify`, and the JSON Schema and the
 * compiled validators cannot say it).
 */

/** Why `parent` cannot be the parent of `generation`, or undefined when it can. */
export function generationParentProblem(generation: string, parent: string | null | undefined): string | undefined {
  return parent === generation ? 'a generation cannot be its own parent' : undefined;
}

/**
 * The usage error (exit 2) when the flag naming the parent gives the flag naming the generation
 * its own label, or undefined. `hint` says what the command wants instead.
 */
export function ownParentError(flags: { parent: string; generation: string }, labels: { parent: string | null | undefined; generation: string }, hint: string): AosError | undefined {
  const problem = generationParentProblem(labels.generation, labels.parent);
  if (problem === undefined) return undefined;
  return usageError('generation-own-parent', `${flags.parent} ${JSON.stringify(labels.generation)} is ${flags.generation} itself: ${problem}`, hint);
}
