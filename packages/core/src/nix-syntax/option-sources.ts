import type { SyntaxNode } from './syntax-tree.js';
import { callOf, stringLiteral } from './nodes.js';
import { PLAIN_DOTTED } from './callee-source.js';
import { attrEntries, isAttrset, lookup, resolveTyped, type AttrEntry, type Scope } from './scope.js';

/**
 * `lib.mdDoc`: marked a description as Markdown (nixpkgs 22.11 to 24.05) and returns its string
 * unchanged, so the string it wraps is the description. It is the one wrapper read through:
 * `literalExpression`/`literalMD` wrap `example` and `defaultText` text, which is kept as source
 * (a `default_value` read through them would be false: the default is the wrapped attrset).
 */
export const DOC_WRAPPER = 'mdDoc';

/**
 * The string of `lib.mdDoc "…"` (or `mdDoc ''…''`, in parentheses or not): the call's last name
 * is mdDoc, as option constructors are named, and its one argument is a string literal.
 * `text` is the node's text (read by the caller): most values never mention mdDoc.
 */
export function docArgument(node: SyntaxNode, text: string): string | undefined {
  if (!text.includes(DOC_WRAPPER)) return undefined;
  const call = callOf(node);
  return call?.name === DOC_WRAPPER && call.args.length === 1 ? stringLiteral(call.args[0]!) : undefined;
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
