import type { SyntaxNode, SyntaxTree } from './syntax-tree.js';
import { nixOnlyErrors } from './nix-only-errors.js';
import { undefinedVariables } from './undefined-variables.js';

/** A syntax problem found by tree-sitter, at a 1-based line and column. */
export interface SyntaxDiagnostic {
  line: number;
  col: number;
  message: string;
}

export interface SyntaxReport {
  errors: SyntaxDiagnostic[];
  /** What real Nix accepts that needs saying: grammar gaps, bytes that are not UTF-8 (never counted as errors). */
  benign: (SyntaxDiagnostic & { kind: 'trailing-comma-in-formals' | 'not-utf-8' })[];
}

/**
 * A file that is not valid UTF-8 (Latin-1 text, say) is still Nix source: Nix reads a file as
 * bytes, and accepts any byte but NUL in a string or a comment. It is read with U+FFFD in place of
 * each invalid sequence (none of the grammar's tokens is made of such bytes, so the tree is the one
 * Nix would see), and this note says where the first one is.
 */
export function notUtf8Note(tree: SyntaxTree): SyntaxReport['benign'][number] {
  const at = tree.positionAt(Math.max(0, tree.text.indexOf('\ufffd')));
  return { line: at.row + 1, col: at.column + 1, kind: 'not-utf-8', message: 'bytes that are not UTF-8 (the first is here): Nix reads them as they are; this self-state shows each as U+FFFD' };
}

const MAX_DIAGNOSTICS = 20;

/**
 * The grammar of @cursorless/tree-sitter-wasms 0.7.0 predates nix-community/tree-sitter-nix#131 and
 * rejects a trailing comma in function formals (`{ a, b, }:`, the RFC 166 nixfmt layout): it
 * inserts a zero-width MISSING identifier as a phantom formal. Real Nix accepts it.
 */
export function isTrailingCommaGap(node: SyntaxNode): boolean {
  return node.isMissing && node.type === 'identifier' && node.parent?.type === 'formal';
}

/**
 * The grammar's errors (a walk of only the subtrees that hold one: a clean file costs one property
 * read here) and what Nix alone rejects (nixOnlyErrors, and in a tree without errors
 * undefinedVariables), the first MAX_DIAGNOSTICS in file order.
 */
export function syntaxReport(root: SyntaxNode): SyntaxReport {
  const report: SyntaxReport = { errors: [], benign: [] };
  if (root.hasError) grammarErrors(root, report);
  // Each list is in file order, so the first MAX_DIAGNOSTICS of each are enough to merge. Scopes
  // are read only from a tree without grammar errors (the trailing-comma gap aside): around an
  // ERROR node a binder may be lost.
  const nixOnly = nixOnlyErrors(root).slice(0, MAX_DIAGNOSTICS);
  if (report.errors.length === 0) nixOnly.push(...undefinedVariables(root).slice(0, MAX_DIAGNOSTICS));
  if (nixOnly.length === 0) return report;
  report.errors.push(...nixOnly);
  report.errors.sort((a, b) => a.line - b.line || a.col - b.col);
  report.errors.length = Math.min(report.errors.length, MAX_DIAGNOSTICS);
  return report;
}

function grammarErrors(root: SyntaxNode, report: SyntaxReport): void {
  const stack: SyntaxNode[] = [root];
  while (stack.length && report.errors.length < MAX_DIAGNOSTICS) {
    const n = stack.pop()!;
    if (n.isMissing) {
      const at = position(n);
      if (isTrailingCommaGap(n)) report.benign.push({ ...at, kind: 'trailing-comma-in-formals', message: 'trailing comma in function formals (accepted by Nix; a known gap of this tree-sitter grammar)' });
      else report.errors.push(missingDiagnostic(n));
      continue;
    }
    if (n.isError) {
      report.errors.push({ ...position(n), message: errorMessage(n) });
      continue;
    }
    if (!n.hasError) continue;
    const kids = n.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  report.errors.sort((a, b) => a.line - b.line || a.col - b.col);
}

function position(n: SyntaxNode): { line: number; col: number } {
  return { line: n.startPosition.row + 1, col: n.startPosition.column + 1 };
}

/** A zero-width MISSING node: reported where the token that follows it starts, as Nix does. */
function missingDiagnostic(n: SyntaxNode): SyntaxDiagnostic {
  let next: SyntaxNode | null = null;
  for (let at: SyntaxNode | null = n; at && !next; at = at.parent) next = at.nextSibling;
  while (next && next.childCount > 0) next = next.child(0);
  if (!next || next.text === '') return { ...position(n), message: `missing ${describeType(n)}` };
  return { ...position(next), message: `missing ${describeType(n)} before '${next.text.slice(0, 40)}'` };
}

function describeType(n: SyntaxNode): string {
  return n.isNamed ? n.type.replace(/_/g, ' ') : `'${n.type}'`;
}

function errorMessage(n: SyntaxNode): string {
  let leaf: SyntaxNode | null = n;
  while (leaf && leaf.childCount > 0) leaf = leaf.child(0);
  const token = leaf?.text ?? '';
  if (token === '') return 'syntax error: unexpected end of input';
  const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
  return `syntax error: unexpected '${shown.replace(/\n/g, '\\n')}'`;
}
