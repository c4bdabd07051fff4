import type { SyntaxNode } from './syntax-tree.js';
import { attrEntries, type AttrEntry } from './entries.js';
import { unparen, type Typed } from './nodes.js';
import { PLAIN_DOTTED } from './callee-source.js';
import { fieldChild } from './tree-source.js';

export { attrEntries, bindingSet, entryAt, type AttrEntry } from './entries.js';

/**
 * Lexical scope for the few names a static reader can follow: `let` bindings and `rec` attrsets.
 * Function arguments are unknown (they come from evaluation) and resolve to nothing.
 */
export interface Scope {
  readonly names: ReadonlyMap<string, SyntaxNode>;
  readonly parent: Scope | undefined;
}

export const EMPTY_SCOPE: Scope = { names: new Map(), parent: undefined };

/** A new scope holding the single-name bindings (`x = ...;`) of a let or rec attrset. */
export function scopeWith(parent: Scope, holder: SyntaxNode): Scope {
  const names = new Map<string, SyntaxNode>();
  for (const e of attrEntries(holder)) {
    if (e.path.length !== 1 || e.dynamic) continue;
    // Entries with a value are bindings (inherited names have none).
    const value = e.value;
    if (value) names.set(e.path[0]!, value);
  }
  return { names, parent };
}

export function lookup(scope: Scope, name: string): SyntaxNode | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const hit = s.names.get(name);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * The value of an attrset entry as a static reader can tell it: a binding's value, or the value an
 * inherited name takes (inheritedValue). Undefined when only evaluation knows it.
 */
export function entryValue(e: AttrEntry, scope: Scope): SyntaxNode | undefined {
  return e.value ?? inheritedValue(e, scope);
}

/**
 * The value an `inherit` entry takes where a static reader can tell: `inherit x;` takes the
 * binding of `x` in scope (a `let` or `rec` name; a function argument is unknown), and
 * `inherit (s) x;` the attribute `x` of `s` when `s` is a name bound to an attrset in scope.
 */
export function inheritedValue(e: AttrEntry, scope: Scope): SyntaxNode | undefined {
  const name = e.path[0];
  if (e.dynamic || e.path.length !== 1 || name === undefined) return undefined;
  const from = e.inheritFrom;
  if (from === undefined) return lookup(scope, name);
  if (!PLAIN_DOTTED.test(from) || from.includes('.')) return undefined;
  const source = lookup(scope, from);
  const set = source && resolveTyped(source, scope);
  if (!set || !isAttrset(set.node, set.type)) return undefined;
  return attrEntries(set.node, set.type).find((a) => a.path.length === 1 && a.path[0] === name && !a.dynamic)?.value;
}

/** Follows variables bound in scope (`x` where `let x = { ... };`), a few steps at most. */
export function resolveVariable(node: SyntaxNode, scope: Scope): SyntaxNode {
  return resolveTyped(node, scope).node;
}

/** resolveVariable, with the type of the node it ends on. */
export function resolveTyped(node: SyntaxNode, scope: Scope, knownType?: string): Typed {
  let u = unparen(node, knownType);
  // A variable_expression's text is its name (an identifier: no spaces or comments inside).
  for (let i = 0; i < 8 && u.type === 'variable_expression'; i++) {
    const target = lookup(scope, u.node.text);
    if (!target || target.id === u.node.id) break;
    u = unparen(target);
  }
  return u;
}

/**
 * Peels what sits between a file and its value: parentheses, `args: body` functions, `let … in`,
 * `with e;` and `assert c;`. Returns the value node and the scope its names resolve in.
 */
export function unwrapBody(node: SyntaxNode, scope: Scope = EMPTY_SCOPE, knownType?: string): { node: SyntaxNode; scope: Scope; type: string } {
  let n = node;
  let s = scope;
  let type = knownType;
  for (let i = 0; i < 64; i++) {
    const u = unparen(n, type);
    n = u.node;
    type = u.type;
    let next: SyntaxNode | null = null;
    if (u.type === 'function_expression' || u.type === 'with_expression' || u.type === 'assert_expression') {
      next = fieldChild(n, 'body');
    } else if (u.type === 'let_expression') {
      s = scopeWith(s, n);
      next = fieldChild(n, 'body');
    }
    if (!next) break;
    n = next;
    type = undefined;
  }
  return { node: n, scope: s, type: type ?? n.type };
}

export function isAttrset(node: SyntaxNode, type: string = node.type): boolean {
  return type === 'attrset_expression' || type === 'rec_attrset_expression';
}

