import type { SyntaxDiagnostic } from './diagnostics.js';
import { SyntaxNode, type SyntaxTree } from './syntax-tree.js';
import { NODE_WORDS, W_END, W_META, W_PARENT, W_START } from './tree-dump.js';
import { isSuspect, SUSPECT_FLOAT, SUSPECT_IDENTIFIER, SUSPECT_INTEGER, SUSPECT_PATH_FRAGMENT, suspectKinds } from './nix-only-suspects.js';
import { fieldChild } from './tree-source.js';

/**
 * What Nix rejects when it parses a file that the tree-sitter grammar takes without an error:
 *
 * - an integer past 64 bits (`invalid integer '9223372036854775808'`);
 * - a float that strtod over- or underflows (`invalid float '1.0e309'`; a subnormal result too);
 * - a path that ends in `/` (`path has a trailing slash`) or holds `//`;
 * - `or` used as a variable, which Nix's parser allows in one place only: as the argument right
 *   after a simple expression (`map or [ ]`, kept for an old nixpkgs function named `or`), or as
 *   a function's argument name.
 *
 * The nodes to look at are few (nix-only-suspects.ts): the tree dump lists them as it writes the
 * tree, in the thread that parses. A tree without that list (read through the cursor) is searched
 * here, one type-id lookup per node: 8-15 ms for the bench tree's 1.66 million nodes in a
 * micro-run, against 2-4 ms to read the listed ones (docs/performance-log-introspect.md, thirteenth session).
 */
export function nixOnlyErrors(root: SyntaxNode): SyntaxDiagnostic[] {
  const tree = root.tree;
  const out: SyntaxDiagnostic[] = [];
  const kinds = suspectKinds(tree.names.types);
  const nodes = tree.nodes;
  if (tree.suspects && root.index === 0) {
    for (const i of tree.suspects) check(tree, i, kinds[nodes[i * NODE_WORDS + W_META]! & 0xffff]!, out);
    return out;
  }
  const stop = tree.subtreeEnd(root.index);
  for (let i = root.index, w = i * NODE_WORDS; i < stop; i++, w += NODE_WORDS) {
    const kind = kinds[nodes[w + W_META]! & 0xffff];
    if (kind && isSuspect(kind, nodes[w + W_START]!, nodes[w + W_END]!)) check(tree, i, kind, out);
  }
  return out;
}

/** Adds what Nix rejects about node `i`, a suspect (isSuspect) of `kind`, to `out`. */
function check(tree: SyntaxTree, i: number, kind: number, out: SyntaxDiagnostic[]): void {
  const { text, nodes } = tree;
  const w = i * NODE_WORDS;
  const start = nodes[w + W_START]!;
  const end = nodes[w + W_END]!;
  if (kind === SUSPECT_INTEGER) {
    if (BigInt(text.slice(start, end)) > MAX_NIX_INT) report(out, tree, i, `invalid integer '${text.slice(start, end)}': Nix integers are 64-bit (at most ${MAX_NIX_INT})`);
  } else if (kind === SUSPECT_FLOAT) {
    if (!representable(text.slice(start, end))) report(out, tree, i, `invalid float '${text.slice(start, end)}': out of the range of a 64-bit float (Nix rejects an overflow and a subnormal result)`);
  } else if (kind === SUSPECT_PATH_FRAGMENT) {
    const path = nodes[w + W_PARENT]!;
    if (text.charCodeAt(end - 1) === SLASH && nodes[path * NODE_WORDS + W_END] === end) report(out, tree, path, 'path has a trailing slash: Nix rejects it; drop the last `/`');
    else if (holdsDoubleSlash(text, start, end)) report(out, tree, path, 'a path cannot hold `//`: Nix rejects it; write one `/`');
  } else if (kind === SUSPECT_IDENTIFIER && text.charCodeAt(start) === LOWER_O && text.charCodeAt(start + 1) === LOWER_R) {
    const parent = new SyntaxNode(tree, i).parent;
    if (parent?.type === 'variable_expression' && !orArgument(parent)) report(out, tree, i, "`or` is a keyword: Nix accepts it as a variable only as a function's argument (`map or [ ]`); rename it");
    // A formal's name, or a function's single argument (`or: …`, `or@{ … }:`).
    else if (parent?.type === 'formal' || parent?.type === 'function_expression') report(out, tree, i, '`or` is a keyword: it cannot name a function argument; rename it');
  }
}

const MAX_NIX_INT = 2n ** 63n - 1n;
const SLASH = 0x2f;
const LOWER_O = 0x6f;
const LOWER_R = 0x72;

function report(out: SyntaxDiagnostic[], tree: SyntaxTree, index: number, message: string): void {
  const at = tree.positionAt(tree.nodes[index * NODE_WORDS + W_START]!);
  out.push({ line: at.row + 1, col: at.column + 1, message });
}

function holdsDoubleSlash(text: string, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) if (text.charCodeAt(i) === SLASH && text.charCodeAt(i - 1) === SLASH) return true;
  return false;
}

/** What strtod gives without ERANGE: a finite, normal (or exactly zero) double. */
function representable(literal: string): boolean {
  const value = Number(literal);
  if (!Number.isFinite(value)) return false;
  if (value === 0) return !/[1-9]/.test(literal.replace(/[eE].*$/, ''));
  return Math.abs(value) >= MIN_NORMAL;
}

const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Nix's `expr_select: expr_simple OR_KW`, read as an application of that simple expression to
 * `or`: true when `variable` (an `or`) is an application's argument and what stands just before it
 * is a simple expression (not a select such as `a.b`, and not another `or`).
 */
function orArgument(variable: SyntaxNode): boolean {
  const app = variable.parent;
  if (app?.type !== 'apply_expression' || fieldChild(app, 'argument')?.startIndex !== variable.startIndex) return false;
  const fn = fieldChild(app, 'function');
  const before = fn?.type === 'apply_expression' ? fieldChild(fn, 'argument') : fn;
  if (!before || !SIMPLE_EXPRESSIONS.has(before.type)) return false;
  return !(before.type === 'variable_expression' && before.text === 'or');
}

/** The grammar's node types for Nix's `expr_simple`. */
const SIMPLE_EXPRESSIONS = new Set([
  'variable_expression',
  'integer_expression',
  'float_expression',
  'string_expression',
  'indented_string_expression',
  'path_expression',
  'hpath_expression',
  'spath_expression',
  'uri_expression',
  'parenthesized_expression',
  'attrset_expression',
  'rec_attrset_expression',
  'let_attrset_expression',
  'list_expression',
]);
