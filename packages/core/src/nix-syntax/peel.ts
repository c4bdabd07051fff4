import type { LexedValue } from './binding-source.js';
import { lookup, type Scope } from './scope.js';

/** `mkDefault v` & co.: set a priority, which a static reader looks through. */
export const PRIORITY_WRAPPERS = new Set(['mkDefault', 'mkForce', 'mkOverride', 'mkBefore', 'mkAfter', 'mkOrder', 'mkOptionDefault']);
/** Every call unwrapValue looks into; any other call is a value as it stands. */
export const PEELED_CALLS = new Set(['mkMerge', 'mkIf', 'optionalAttrs', ...PRIORITY_WRAPPERS]);

/**
 * True when unwrapValue would leave a value read from the source (see binding-source.ts) as it
 * stands: strings, integers, lists and selects are never peeled; a variable is followed only when
 * a binding in scope names it; a call only when it calls one of PEELED_CALLS.
 */
export function isLexedLeaf(v: LexedValue, scope: Scope): boolean {
  if (v.kind === 'variable_expression') return !lookup(scope, v.text);
  if (v.kind === 'apply_expression') return !PEELED_CALLS.has(v.callee!);
  return true;
}
