import type { SyntaxNode } from './syntax-tree.js';

/**
 * The S-expression of a node's subtree, as tree-sitter's ts_node_string writes it: named and
 * missing nodes, each with its field name, `(MISSING name)` or `(MISSING "token")` for a missing
 * one, and `(UNEXPECTED 'c')` for an ERROR holding only skipped characters.
 */
export function writeSExpression(root: SyntaxNode): string {
  const out: string[] = [];
  write(root, null, true, out);
  return out.join('');
}

function write(node: SyntaxNode, field: string | null, isRoot: boolean, out: string[]): void {
  const visible = node.isNamed || node.isMissing;
  const kids = node.children;
  if (visible) {
    if (!isRoot) out.push(field ? ` ${field}: ` : ' ');
    if (node.isError && kids.length === 0 && node.endIndex > node.startIndex) out.push(`(UNEXPECTED ${charString(node.tree.text.codePointAt(node.startIndex)!)}`);
    else if (node.isMissing) out.push(node.isNamed ? `(MISSING ${node.type}` : `(MISSING "${node.type}"`);
    else out.push(`(${node.type}`);
  } else if (isRoot) {
    out.push(kids.length > 0 ? `(${node.type}` : node.isNamed ? `(${node.type})` : `("${node.type}")`);
  }
  for (const k of kids) write(k, k.isExtra ? null : (node.tree.names.fields[k.fieldId] ?? null), false, out);
  if (visible) out.push(')');
}

/** tree-sitter's ts_subtree__write_char_to_string. */
function charString(c: number): string {
  if (c === 0) return "'\\0'";
  if (c === 0x0a) return "'\\n'";
  if (c === 0x09) return "'\\t'";
  if (c === 0x0d) return "'\\r'";
  if (c >= 0x20 && c < 0x7f) return `'${String.fromCharCode(c)}'`;
  return String(c);
}
