import type { SyntaxNode } from './syntax-tree.js';
import { callOf, stringLiteral } from './nodes.js';

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
