import type { Node } from 'web-tree-sitter';
import { attrPath, unparen, type Typed } from './nodes.js';

/**
 * Lexical scope for the few names a static reader can follow: `let` bindings and `rec` attrsets.
 * Function arguments are unknown (they come from evaluation) and resolve to nothing.
 */
export interface Scope {
  readonly names: ReadonlyMap<string, Node>;
  readonly parent: Scope | undefined;
}

export const EMPTY_SCOPE: Scope = { names: new Map(), parent: undefined };

/** The binding_set child of an attrset or let expression. */
export function bindingSet(node: Node): Node | undefined {
  for (const c of node.namedChildren) if (c.type === 'binding_set') return c;
  return undefined;
}

/** A new scope holding the single-name bindings (`x = ...;`) of a let or rec attrset. */
export function scopeWith(parent: Scope, holder: Node): Scope {
  const names = new Map<string, Node>();
  const set = bindingSet(holder);
  for (const b of set?.namedChildren ?? []) {
    if (b.type !== 'binding') continue;
    const ap = b.childForFieldName('attrpath');
    const value = b.childForFieldName('expression');
    if (!ap || !value) continue;
    const p = attrPath(ap);
    if (p.path.length === 1 && !p.dynamic) names.set(p.path[0]!, value);
  }
  return { names, parent };
}

export function lookup(scope: Scope, name: string): Node | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const hit = s.names.get(name);
    if (hit) return hit;
  }
  return undefined;
}

/** Follows variables bound in scope (`x` where `let x = { ... };`), a few steps at most. */
export function resolveVariable(node: Node, scope: Scope): Node {
  return resolveTyped(node, scope).node;
}

/** resolveVariable, with the type of the node it ends on. */
export function resolveTyped(node: Node, scope: Scope, knownType?: string): Typed {
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
export function unwrapBody(node: Node, scope: Scope = EMPTY_SCOPE, knownType?: string): { node: Node; scope: Scope; type: string } {
  let n = node;
  let s = scope;
  let type = knownType;
  for (let i = 0; i < 64; i++) {
    const u = unparen(n, type);
    n = u.node;
    type = u.type;
    let next: Node | null = null;
    if (u.type === 'function_expression' || u.type === 'with_expression' || u.type === 'assert_expression') {
      next = n.childForFieldName('body');
    } else if (u.type === 'let_expression') {
      s = scopeWith(s, n);
      next = n.childForFieldName('body');
    }
    if (!next) break;
    n = next;
    type = undefined;
  }
  return { node: n, scope: s, type: type ?? n.type };
}

export function isAttrset(node: Node, type: string = node.type): boolean {
  return type === 'attrset_expression' || type === 'rec_attrset_expression';
}

/** One entry of an attrset: a binding (`a.b = v;`) or one name of an `inherit`. */
export interface AttrEntry {
  path: string[];
  dynamic: boolean;
  /** The whole binding (or inherit) node. */
  node: Node;
  /** The value expression; undefined for `inherit`. */
  value: Node | undefined;
  /** For `inherit (src) x;` the source expression text. */
  inheritFrom?: string;
}

/** The entries of an attrset expression, in source order. */
export function attrEntries(attrset: Node): AttrEntry[] {
  const out: AttrEntry[] = [];
  for (const b of bindingSet(attrset)?.namedChildren ?? []) {
    if (b.type === 'binding') {
      const ap = b.childForFieldName('attrpath');
      if (!ap) continue;
      const p = attrPath(ap);
      out.push({ path: p.path, dynamic: p.dynamic, node: b, value: b.childForFieldName('expression') ?? undefined });
    } else if (b.type === 'inherit' || b.type === 'inherit_from') {
      const from = b.type === 'inherit_from' ? b.childForFieldName('expression')?.text : undefined;
      const attrs = b.childForFieldName('attrs');
      for (const a of attrs?.childrenForFieldName('attr') ?? []) {
        out.push({ path: [a.text], dynamic: false, node: b, value: undefined, ...(from === undefined ? {} : { inheritFrom: from }) });
      }
    }
  }
  return out;
}
