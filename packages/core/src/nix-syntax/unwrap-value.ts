import type { SyntaxNode } from './syntax-tree.js';
import { callOf } from './nodes.js';
import { binderOf, resolveTyped, scopeWith, valueScopeOf, type Bound, type Scope } from './scope.js';
import { innermostCallee } from './callee-source.js';
import { PEELED_CALLS, PRIORITY_WRAPPERS } from './peel.js';
import { fieldChild, fieldChildren, treeSource } from './tree-source.js';

/**
 * What a value is once what sits around it is peeled off (`mkIf`, `mkDefault`, `let`, names bound
 * in scope …), and the parts of a `mkMerge` or an update (`//`) it may be: the reading the settings
 * walk (settings.ts), the option reader and the flake readers share.
 */

/** A value with what sits around it peeled off; `type` is the node type of `node`, read once. */
export interface Unwrapped {
  node: SyntaxNode;
  type: string;
  scope: Scope;
  conditional: boolean;
  /** For `mkMerge [ … ]`: the merged parts. */
  merge?: SyntaxNode[];
  /** For `a // b // …` of attrsets (withUpdate; set by the settings walk only). */
  update?: Unwrapped[];
}

/**
 * Peels `( … )`, `mkIf c v`, `mkDefault v`, `mkForce v`, `let … in v`, `with e; v`, `assert c; v`
 * and variables bound in scope. Written as one loop over the node type, read once a step: this is
 * the hottest path of the analysis.
 */
export function unwrapValue(node: SyntaxNode, scope: Scope): Unwrapped {
  let n = node;
  let s = scope;
  let conditional = false;
  for (let i = 0; i < 24; i++) {
    const type = n.type;
    let next: SyntaxNode | null | undefined;
    if (type === 'parenthesized_expression') next = fieldChild(n, 'expression');
    else if (type === 'variable_expression') {
      // The value is read in the scope it is written in (scope.ts), not where the name is used.
      const name = n.text;
      const binder = binderOf(s, name);
      const target = binder?.names.get(name);
      if (target && target.id !== n.id) {
        next = target;
        s = valueScopeOf(binder!, name);
      }
    } else if (type === 'let_expression') {
      s = scopeWith(s, n);
      next = fieldChild(n, 'body');
    } else if (type === 'with_expression' || type === 'assert_expression') {
      // `with types; { … }`, as nixpkgs writes options and config: a name bound in a `let` is
      // lexical and wins over `with`, so the scope is unchanged; `assert c; v` is v.
      next = fieldChild(n, 'body');
    } else if (type === 'apply_expression') {
      if (!mayPeel(n)) return { node: n, type, scope: s, conditional };
      const call = callOf(n, type);
      if (call?.name === 'mkMerge' && call.args.length === 1) {
        const list = unwrapValue(call.args[0]!, s);
        if (list.type === 'list_expression') return { node: n, type, scope: s, conditional, merge: fieldChildren(list.node, 'element') };
      }
      // `lib.optionalAttrs c { … }` is `{ … }` when c holds, else `{ }`: as conditional as mkIf.
      if ((call?.name === 'mkIf' || call?.name === 'optionalAttrs') && call.args.length === 2) conditional = true;
      else if (!call || !PRIORITY_WRAPPERS.has(call.name)) return { node: n, type, scope: s, conditional };
      next = call.args[call.args.length - 1];
    }
    if (!next) return { node: n, type, scope: s, conditional };
    n = next;
  }
  return { node: n, type: n.type, scope: s, conditional };
}

/** False when the source shows a call that unwrapValue does not look into (no node is fetched then). */
function mayPeel(call: SyntaxNode): boolean {
  const src = treeSource(call);
  const name = src.clean ? innermostCallee(src, call) : undefined;
  return name === undefined || PEELED_CALLS.has(name);
}

/** `mkMerge [ a b ]` -> [a, b]; anything else -> undefined. */
export function mergeParts(node: SyntaxNode, scope: Scope): SyntaxNode[] | undefined {
  return unwrapValue(node, scope).merge;
}

/** At most this many `//` in one update. */
const MAX_UPDATES = 16;

/**
 * The operands of `a // b // c` in order, each as written and with the scope it is written in (a
 * name bound to an update is followed). False: not an update, or too long.
 */
export function updateOperands(node: SyntaxNode, scope: Scope, into: Bound[], depth: number): boolean {
  const { node: n, type, scope: s } = resolveTyped(node, scope);
  if (type !== 'binary_expression') {
    into.push({ node: n, scope: s });
    return true;
  }
  if (depth >= MAX_UPDATES || fieldChild(n, 'operator')?.text !== '//') return false;
  const l = fieldChild(n, 'left');
  const r = fieldChild(n, 'right');
  return !!l && !!r && updateOperands(l, s, into, depth + 1) && updateOperands(r, s, into, depth + 1);
}
