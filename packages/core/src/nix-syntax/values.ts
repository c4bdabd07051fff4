import type { Node } from 'web-tree-sitter';
import { applyParts, calleeName, clip, literalValue, renderAttrPath, spanOf, stripParens, type NixLiteral, type Span } from './nodes.js';
import { attrEntries, isAttrset, resolveVariable, scopeWith, type Scope } from './scope.js';

/** One attribute path set to a value (a leaf of nested attrsets), with where it is written. */
export interface NixSetting {
  /** Dotted attribute path (`networking.hostName`); dynamic parts keep their `${…}` source. */
  path: string;
  segments: string[];
  dynamic: boolean;
  /** True when set under `mkIf` (so it may not apply). */
  conditional: boolean;
  /** Source text of the value (clipped); `inherit (x)` for inherited names. */
  value: string;
  /** The value as JSON when it is a Nix literal (after `mkDefault`/`mkForce`/`mkIf`). */
  literal?: NixLiteral;
  /** Span of the whole binding. */
  binding: Span;
  /** Span of the value expression itself (absent for `inherit`). */
  value_span?: Span;
}

const PRIORITY_WRAPPERS = new Set(['mkDefault', 'mkForce', 'mkOverride', 'mkBefore', 'mkAfter', 'mkOrder', 'mkOptionDefault']);
const MAX_DEPTH = 24;

/** Peels `mkIf c v`, `mkDefault v`, `mkForce v`, `let … in v`, variables bound in scope. */
export function unwrapValue(node: Node, scope: Scope): { node: Node; scope: Scope; conditional: boolean } {
  let n = stripParens(node);
  let s = scope;
  let conditional = false;
  for (let i = 0; i < 16; i++) {
    n = resolveVariable(n, s);
    if (n.type === 'let_expression') {
      s = scopeWith(s, n);
      const body = n.childForFieldName('body');
      if (!body) break;
      n = stripParens(body);
      continue;
    }
    const name = calleeName(n);
    const parts = applyParts(n);
    if (!parts || !name) break;
    if (name === 'mkIf' && parts.args.length === 2) conditional = true;
    else if (!PRIORITY_WRAPPERS.has(name)) break;
    n = stripParens(parts.args[parts.args.length - 1]!);
  }
  return { node: n, scope: s, conditional };
}

/** `mkMerge [ a b ]` -> [a, b]; anything else -> undefined. */
export function mergeParts(node: Node): Node[] | undefined {
  if (calleeName(node) !== 'mkMerge') return undefined;
  const arg = applyParts(node)?.args[0];
  const list = arg ? stripParens(arg) : undefined;
  return list?.type === 'list_expression' ? list.childrenForFieldName('element') : undefined;
}

/**
 * Flattens an attrset value into its leaf settings: nested attrsets, `mkIf`, `mkMerge` and
 * priority wrappers are followed; everything else is a leaf. `skip` filters top-level names.
 */
export function flattenSettings(
  node: Node,
  scope: Scope,
  prefix: string[] = [],
  opts: { conditional?: boolean; skip?: (name: string) => boolean; dynamic?: boolean; binding?: Node } = {},
): NixSetting[] {
  const out: NixSetting[] = [];
  const inner = unwrapValue(node, scope);
  if (opts.binding && prefix.length && !isAttrset(inner.node) && !mergeParts(inner.node)) {
    return [leaf(prefix, opts.dynamic ?? false, (opts.conditional ?? false) || inner.conditional, opts.binding, node, inner.node)];
  }
  walk(node, scope, prefix, opts.conditional ?? false, opts.dynamic ?? false, 0, out, opts.skip);
  return out;
}

function walk(
  node: Node,
  scope: Scope,
  prefix: string[],
  conditional: boolean,
  dynamic: boolean,
  depth: number,
  out: NixSetting[],
  skip?: (name: string) => boolean,
): void {
  const u = unwrapValue(node, scope);
  const parts = mergeParts(u.node);
  if (parts) {
    for (const p of parts) walk(p, u.scope, prefix, conditional || u.conditional, dynamic, depth + 1, out, skip);
    return;
  }
  if (!isAttrset(u.node) || depth > MAX_DEPTH) return;
  const s = u.node.type === 'rec_attrset_expression' ? scopeWith(u.scope, u.node) : u.scope;
  for (const e of attrEntries(u.node)) {
    if (prefix.length === 0 && skip && e.path[0] !== undefined && skip(e.path[0])) continue;
    const segments = [...prefix, ...e.path];
    const cond = conditional || u.conditional;
    const dyn = dynamic || e.dynamic;
    if (e.value) {
      const inner = unwrapValue(e.value, s);
      if (isAttrset(inner.node) || mergeParts(inner.node)) {
        walk(e.value, s, segments, cond, dyn, depth + 1, out);
        continue;
      }
      out.push(leaf(segments, dyn, cond || inner.conditional, e.node, e.value, inner.node));
    } else {
      out.push({ path: renderAttrPath(segments), segments, dynamic: dyn, conditional: cond, value: e.inheritFrom ? `inherit (${e.inheritFrom})` : 'inherit', binding: spanOf(e.node) });
    }
  }
}

function leaf(segments: string[], dynamic: boolean, conditional: boolean, binding: Node, value: Node, inner: Node): NixSetting {
  const lit = literalValue(inner);
  return {
    path: renderAttrPath(segments),
    segments,
    dynamic,
    conditional,
    value: clip(value.text, 1000),
    ...(lit ? { literal: lit.value } : {}),
    binding: spanOf(binding),
    value_span: spanOf(value),
  };
}
