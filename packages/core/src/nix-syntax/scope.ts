import type { SyntaxNode } from './syntax-tree.js';
import { attrEntries, type AttrEntry } from './entries.js';
import { attrPath, unparen, type Typed } from './nodes.js';
import { PLAIN_DOTTED } from './callee-source.js';
import { fieldChild } from './tree-source.js';

export { attrEntries, bindingSet, entryAt, type AttrEntry } from './entries.js';

/**
 * Lexical scope for the few names a static reader can follow: `let` bindings, `rec` attrsets and
 * a helper's parameters given their arguments (flake-hosts.ts). A name resolves in the scope that
 * binds it, and its value in the scope that value is written in: `let a = b; in let b = …; in a`
 * is the outer `b`, if any, never the inner one. Function arguments are unknown (they come from
 * evaluation) and resolve to nothing.
 */
export interface Scope {
  /**
   * The names bound here, each to its value; null for a name bound to what only evaluation knows
   * (`let inherit (lib) mkIf; in`, `let a.b = 1; in`), which hides an outer name of its spelling.
   */
  readonly names: ReadonlyMap<string, SyntaxNode | null>;
  readonly parent: Scope | undefined;
  /**
   * The scope a name's value is written in when that is not this one: an inherited name's (`let
   * inherit (s) x; in`), a helper's argument's (written where the helper is called). Every scope
   * has the property (undefined when no name needs it): scopes of one shape keep lookups cheap.
   */
  readonly from: ReadonlyMap<string, Scope> | undefined;
}

/** A value, with the scope its names resolve in. */
export interface Bound {
  node: SyntaxNode;
  scope: Scope;
}

export const EMPTY_SCOPE: Scope = { names: new Map(), parent: undefined, from: undefined };

/**
 * A new scope holding the bindings of a let or rec attrset: `x = …;`, and inherited names, `inherit
 * x;` (the binding of `x` outside, since a let's own `x` would be itself) and `inherit (s) x;` (the
 * attribute `x` of `s`, which the let may bind itself: `let inherit (s) x; s = { … }; in`; when
 * that is not known, `x` is still bound here, to nothing known, and hides any outer `x`).
 */
export function scopeWith(parent: Scope, holder: SyntaxNode): Scope {
  const scope: BuiltScope = { names: new Map(), parent, from: undefined };
  const { names } = scope;
  let inheritsFrom: AttrEntry[] | undefined;
  for (const e of attrEntries(holder)) {
    const name = e.path[0];
    if (e.dynamic || name === undefined) continue;
    const value = e.value;
    if (value) {
      // `a.b = 1;` binds `a` to a set Nix builds of every `a.…` binding: not the value written.
      if (e.path.length === 1) names.set(name, value);
      else if (!names.has(name)) names.set(name, null);
    } else if (e.inheritFrom !== undefined) {
      names.set(name, null);
      if (!inheritsFrom) inheritsFrom = [];
      inheritsFrom.push(e);
    } else {
      // `inherit x;` is the `x` outside: a name not bound there (a function's argument) is left
      // unbound here too, so that it still reads as the argument it is.
      const outer = boundValue(parent, name);
      if (outer) bindElsewhere(scope, name, outer);
    }
  }
  // `inherit (s) x;` once every name of the holder is bound: `s` may be one of them.
  for (const e of inheritsFrom ?? []) {
    const name = e.path[0]!;
    const value = attributeOf(e.inheritFrom!, name, scope, 0);
    if (value) bindElsewhere(scope, name, value);
  }
  return scope;
}

/** A scope scopeWith is building. */
interface BuiltScope {
  names: Map<string, SyntaxNode | null>;
  parent: Scope;
  from: Map<string, Scope> | undefined;
}

/** Binds `name` in `scope` to a value written in another scope. */
function bindElsewhere(scope: BuiltScope, name: string, value: Bound): void {
  scope.names.set(name, value.node);
  if (!scope.from) scope.from = new Map();
  scope.from.set(name, value.scope);
}

/** The nearest scope out from `scope` that binds `name` (to a value known or not). */
export function binderOf(scope: Scope, name: string): Scope | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) if (s.names.has(name)) return s;
  return undefined;
}

/** True when a scope binds `name`: the name is then no outer one (the flake's `self`, an input). */
export function isBound(scope: Scope, name: string): boolean {
  return binderOf(scope, name) !== undefined;
}

/** The scope the value of `name`, as `binder` binds it, is written in. */
export function valueScopeOf(binder: Scope, name: string): Scope {
  return binder.from?.get(name) ?? binder;
}

export function lookup(scope: Scope, name: string): SyntaxNode | undefined {
  return binderOf(scope, name)?.names.get(name) ?? undefined;
}

/** The value `name` is bound to where `scope` is, with the scope that value is written in. */
export function boundValue(scope: Scope, name: string): Bound | undefined {
  const binder = binderOf(scope, name);
  const node = binder?.names.get(name);
  return node ? { node, scope: valueScopeOf(binder!, name) } : undefined;
}

/**
 * The value of an attrset entry as a static reader can tell it: a binding's value, or the value an
 * inherited name takes (inheritedValue). Undefined when only evaluation knows it.
 */
export function entryValue(e: AttrEntry, scope: Scope): Bound | undefined {
  const value = e.value;
  return value ? { node: value, scope } : inheritedValue(e, scope);
}

/**
 * The value an `inherit` entry takes where a static reader can tell: `inherit x;` takes the
 * binding of `x` in scope (a `let` or `rec` name; a function argument is unknown), and
 * `inherit (s) x;` the attribute `x` of `s` when `s` is a name bound to an attrset in scope.
 */
export function inheritedValue(e: AttrEntry, scope: Scope): Bound | undefined {
  return inheritedAt(e, scope, 0);
}

/** How many `inherit`s one value is followed through (`s = { inherit (t) x; }`). */
const MAX_INHERITS = 4;

function inheritedAt(e: AttrEntry, scope: Scope, depth: number): Bound | undefined {
  const name = e.path[0];
  if (e.dynamic || e.path.length !== 1 || name === undefined) return undefined;
  const from = e.inheritFrom;
  return from === undefined ? boundValue(scope, name) : attributeOf(from, name, scope, depth);
}

/**
 * Attribute `name` of the attrset the variable `from` is bound to, read in the scope that set is
 * written in (its own, when it is `rec`). Undefined for any other `from` (`inherit (a.b) x;`).
 */
function attributeOf(from: string, name: string, scope: Scope, depth: number): Bound | undefined {
  if (!PLAIN_DOTTED.test(from) || from.includes('.')) return undefined;
  const source = boundValue(scope, from);
  const set = source && resolveTyped(source.node, source.scope);
  if (!set || !isAttrset(set.node, set.type)) return undefined;
  const inner = set.type === 'rec_attrset_expression' ? scopeWith(set.scope, set.node) : set.scope;
  const e = attrEntries(set.node, set.type).find((a) => a.path.length === 1 && a.path[0] === name && !a.dynamic);
  if (!e) return undefined;
  const value = e.value;
  if (value) return { node: value, scope: inner };
  return depth < MAX_INHERITS ? inheritedAt(e, inner, depth + 1) : undefined;
}

/** Follows variables bound in scope (`x` where `let x = { ... };`), a few steps at most. */
export function resolveVariable(node: SyntaxNode, scope: Scope): SyntaxNode {
  return resolveTyped(node, scope).node;
}

/** How many steps resolveTyped follows (names and attribute selections, nested ones included). */
const MAX_RESOLVE_STEPS = 8;

/**
 * resolveVariable, with the type of the node it ends on and the scope that node is written in.
 * Also follows `x.a.b` and `x.a or d` where `x` resolves to an attrset written out (selected).
 */
export function resolveTyped(node: SyntaxNode, scope: Scope, knownType?: string): Typed & { scope: Scope } {
  return resolveSteps(node, scope, knownType, { left: MAX_RESOLVE_STEPS });
}

function resolveSteps(node: SyntaxNode, scope: Scope, knownType: string | undefined, budget: { left: number }): Typed & { scope: Scope } {
  let u = unparen(node, knownType);
  let s = scope;
  while (budget.left > 0) {
    let next: Bound | undefined;
    if (u.type === 'variable_expression') {
      // A variable_expression's text is its name (an identifier: no spaces or comments inside).
      const name = u.node.text;
      const binder = binderOf(s, name);
      const target = binder?.names.get(name);
      if (target && target.id !== u.node.id) next = { node: target, scope: valueScopeOf(binder!, name) };
    } else if (u.type === 'select_expression') {
      next = selected(u.node, s, budget);
    }
    if (!next) break;
    budget.left--;
    s = next.scope;
    u = unparen(next.node);
  }
  return { node: u.node, type: u.type, scope: s };
}

/**
 * `x.a.b` where `x` resolves to an attrset written out: the value of `a`, then of `b` in it. A name
 * the set does not have gives the `or` default (`extra.modules or [ ]`, with `extra` a helper's
 * argument `{ }`), or nothing known without one. Undefined when a set on the way is not written
 * out, or when it may hold the name without a binding of its own (`a.b = …;`, `${n} = …;`).
 */
function selected(node: SyntaxNode, scope: Scope, budget: { left: number }): Bound | undefined {
  const base = fieldChild(node, 'expression');
  const ap = fieldChild(node, 'attrpath');
  if (!base || !ap) return undefined;
  const { path, dynamic } = attrPath(ap);
  if (dynamic) return undefined;
  let cur = resolveSteps(base, scope, undefined, budget);
  for (let i = 0; i < path.length; i++) {
    if (!isAttrset(cur.node, cur.type)) return undefined;
    const inner = cur.type === 'rec_attrset_expression' ? scopeWith(cur.scope, cur.node) : cur.scope;
    const entries = attrEntries(cur.node, cur.type);
    const e = entries.find((a) => !a.dynamic && a.path.length === 1 && a.path[0] === path[i]);
    if (!e) {
      if (entries.some((a) => a.dynamic || a.path[0] === path[i])) return undefined;
      const fallback = fieldChild(node, 'default');
      return fallback ? { node: fallback, scope } : undefined;
    }
    const value = entryValue(e, inner);
    if (!value) return undefined;
    if (i === path.length - 1) return value;
    cur = resolveSteps(value.node, value.scope, undefined, budget);
  }
  return undefined;
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
