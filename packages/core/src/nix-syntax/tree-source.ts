import type { SyntaxNode, SyntaxTree } from './syntax-tree.js';

/**
 * What the analysis reads once per tree instead of once per node. With the source text in hand,
 * many questions ("is this child a comment?", "what is this attribute path?") are answered from
 * characters at known offsets, without fetching nodes. (These fast paths were written when every
 * node accessor crossed into WASM; on a SyntaxTree a node read is an array read, and they still
 * save the node objects.)
 *
 * A SyntaxTree never changes, so offsets stay valid for the tree's life.
 */
export interface TreeSource {
  /** The root node's text: the source from `base` on (offsets index the JavaScript string). */
  text: string;
  /** The root node's start offset (leading whitespace lies before it). Every node lies within the root. */
  base: number;
  /**
   * No ERROR and no MISSING node anywhere. Only then does every node have the shape the grammar
   * gives it, which the fast paths rely on; trees with errors take the node-by-node paths.
   */
  clean: boolean;
  /** The root's start position (the rows and columns of offsets are counted from it). */
  row: number;
  column: number;
  /** Offsets of the `\n` characters of `text`, computed on first use (see positionOf). */
  newlines?: number[];
}

const sources = new WeakMap<SyntaxTree, TreeSource>();
let sourceReading = true;

/**
 * Runs `fn` with every tree it first meets read node by node, as trees with syntax errors are.
 * Tests use it to check that the source reading gives exactly what the node reading gives.
 */
export function withNodeReadingOnly<T>(fn: () => T): T {
  const was = sourceReading;
  sourceReading = false;
  try {
    return fn();
  } finally {
    sourceReading = was;
  }
}

/** The source facts of the tree `node` belongs to (read once per tree). */
export function treeSource(node: SyntaxNode): TreeSource {
  const tree = node.tree;
  let s = sources.get(tree);
  if (!s) {
    const root = tree.rootNode;
    const p = root.startPosition;
    s = { text: root.text, base: root.startIndex, clean: sourceReading && !root.hasError, row: p.row, column: p.column };
    sources.set(tree, s);
  }
  return s;
}

/**
 * The 0-based row and column of an offset into `text`, as tree-sitter gives a node's start
 * position here: rows count `\n` only, columns count UTF-16 units from the line's start.
 */
export function positionOf(s: TreeSource, at: number): { row: number; column: number } {
  s.newlines ??= newlinesOf(s.text);
  const nl = s.newlines;
  // The number of newlines before `at` (binary search for the first one at or after it).
  let lo = 0;
  let hi = nl.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (nl[mid]! < at) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? { row: s.row, column: s.column + at } : { row: s.row + lo, column: at - nl[lo - 1]! - 1 };
}

function newlinesOf(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i);
  return out;
}

/** The source between two offsets of the tree (what `node.text` gives for a node's own offsets). */
export function sourceSlice(s: TreeSource, start: number, end: number): string {
  return s.text.slice(start - s.base, end - s.base);
}

/** A node's text when its end offset is already known (saves reading `endIndex` again). */
export function textBetween(s: TreeSource, node: SyntaxNode, end: number): string {
  return s.text.slice(node.startIndex - s.base, end - s.base);
}

/**
 * True when, in a clean tree, `node` is a comment. Comments are the grammar's only named extras and
 * start with `#` or `/*`; no other node can start with either (a node starts with its first token,
 * never with an extra, and no Nix token other than a comment begins with `#` or `/*`: an absolute
 * path cannot, `*` not being a path character).
 */
export function isCommentAt(s: TreeSource, node: SyntaxNode): boolean {
  const c = s.text.charCodeAt(node.startIndex - s.base);
  return c === 0x23 /* # */ || (c === 0x2f /* / */ && s.text.charCodeAt(node.startIndex - s.base + 1) === 0x2a) /* * */;
}

/** The grammar's field names the analysis reads. */
export type FieldName = 'argument' | 'attrpath' | 'attr' | 'attrs' | 'body' | 'default' | 'element' | 'expression' | 'function' | 'left' | 'operator' | 'right';

/** `node.childForFieldName(name)`, for the field names the analysis reads (a typo is a type error). */
export function fieldChild(node: SyntaxNode, name: FieldName): SyntaxNode | null {
  return node.childForFieldName(name);
}

/** `node.childrenForFieldName(name)`, for the field names the analysis reads. */
export function fieldChildren(node: SyntaxNode, name: FieldName): SyntaxNode[] {
  return node.childrenForFieldName(name);
}
