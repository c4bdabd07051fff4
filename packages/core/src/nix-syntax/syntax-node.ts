import { writeSExpression } from './syntax-tree-string.js';
import { ERROR_TYPE_ID, FLAG_EXTRA, FLAG_HAS_ERROR, FLAG_MISSING, FLAG_NAMED, NO_NODE, NODE_WORDS, W_END, W_META, W_NEXT, W_PARENT, W_START } from './tree-dump.js';
import type { SyntaxTree } from './syntax-tree.js';

/** The index of node `i`'s first child (the node after it, when that is its child), NO_NODE if none. */
function firstChildOf(tree: SyntaxTree, i: number): number {
  const next = i + 1;
  return next < tree.count && tree.nodes[next * NODE_WORDS + W_PARENT] === i ? next : NO_NODE;
}

/**
 * A node of a SyntaxTree: the tree and the node's index, nothing else read ahead. Like
 * web-tree-sitter's, a node object is made per access (compare nodes by `id`, not `===`).
 */
export class SyntaxNode {
  private cachedChildren: SyntaxNode[] | undefined = undefined;
  private cachedNamedChildren: SyntaxNode[] | undefined = undefined;

  constructor(
    readonly tree: SyntaxTree,
    readonly index: number,
  ) {}

  private word(w: number): number {
    return this.tree.nodes[this.index * NODE_WORDS + w]!;
  }

  /** Unique among the nodes of all trees of this thread, stable for the life of the tree. */
  get id(): number {
    return this.tree.idBase + this.index;
  }

  get typeId(): number {
    return this.word(W_META) & 0xffff;
  }

  get type(): string {
    return this.tree.names.types[this.typeId] || 'ERROR';
  }

  /** The node's field id in its parent (0: none), as a TreeCursor's `currentFieldId` gives it. */
  get fieldId(): number {
    return this.word(W_META) >>> 20;
  }

  get isNamed(): boolean {
    return ((this.word(W_META) >>> 16) & FLAG_NAMED) !== 0;
  }

  get isMissing(): boolean {
    return ((this.word(W_META) >>> 16) & FLAG_MISSING) !== 0;
  }

  get isExtra(): boolean {
    return ((this.word(W_META) >>> 16) & FLAG_EXTRA) !== 0;
  }

  get hasError(): boolean {
    return ((this.word(W_META) >>> 16) & FLAG_HAS_ERROR) !== 0;
  }

  get isError(): boolean {
    return (this.word(W_META) & 0xffff) === ERROR_TYPE_ID;
  }

  get startIndex(): number {
    return this.word(W_START);
  }

  get endIndex(): number {
    return this.word(W_END);
  }

  get startPosition(): { row: number; column: number } {
    return this.tree.positionAt(this.word(W_START));
  }

  get text(): string {
    return this.tree.text.slice(this.word(W_START), this.word(W_END));
  }

  get parent(): SyntaxNode | null {
    const p = this.word(W_PARENT);
    return p === NO_NODE ? null : new SyntaxNode(this.tree, p);
  }

  private firstChildIndex(): number {
    return firstChildOf(this.tree, this.index);
  }

  get childCount(): number {
    const n = this.tree.nodes;
    let count = 0;
    for (let c = this.firstChildIndex(); c !== NO_NODE; c = n[c * NODE_WORDS + W_NEXT]!) count++;
    return count;
  }

  /** The children, every one (anonymous, extra and missing ones too); the array is kept. */
  get children(): SyntaxNode[] {
    if (!this.cachedChildren) {
      const n = this.tree.nodes;
      const out: SyntaxNode[] = [];
      for (let c = this.firstChildIndex(); c !== NO_NODE; c = n[c * NODE_WORDS + W_NEXT]!) out.push(new SyntaxNode(this.tree, c));
      this.cachedChildren = out;
    }
    return this.cachedChildren;
  }

  /** The named children; the array is kept. */
  get namedChildren(): SyntaxNode[] {
    if (!this.cachedNamedChildren) {
      const n = this.tree.nodes;
      const out: SyntaxNode[] = [];
      for (let c = this.firstChildIndex(); c !== NO_NODE; c = n[c * NODE_WORDS + W_NEXT]!) {
        if ((n[c * NODE_WORDS + W_META]! >>> 16) & FLAG_NAMED) out.push(new SyntaxNode(this.tree, c));
      }
      this.cachedNamedChildren = out;
    }
    return this.cachedNamedChildren;
  }

  child(i: number): SyntaxNode | null {
    const n = this.tree.nodes;
    for (let c = this.firstChildIndex(); c !== NO_NODE; c = n[c * NODE_WORDS + W_NEXT]!) if (i-- === 0) return new SyntaxNode(this.tree, c);
    return null;
  }

  namedChild(i: number): SyntaxNode | null {
    const n = this.tree.nodes;
    for (let c = this.firstChildIndex(); c !== NO_NODE; c = n[c * NODE_WORDS + W_NEXT]!) {
      if ((n[c * NODE_WORDS + W_META]! >>> 16) & FLAG_NAMED && i-- === 0) return new SyntaxNode(this.tree, c);
    }
    return null;
  }

  /**
   * The next sibling as web-tree-sitter finds it: by offsets, so a sibling that ends where this
   * node ends (a zero-width MISSING node right after it, say) is passed over.
   */
  get nextSibling(): SyntaxNode | null {
    const n = this.tree.nodes;
    const end = this.word(W_END);
    for (let c = this.word(W_NEXT); c !== NO_NODE; c = n[c * NODE_WORDS + W_NEXT]!) if (n[c * NODE_WORDS + W_END]! > end) return new SyntaxNode(this.tree, c);
    return null;
  }

  /**
   * The first child in field `fieldId`, as web-tree-sitter's childForFieldId: none for field 0 and
   * none in an ERROR node (tree-sitter looks the field up in the node's production, and an ERROR
   * has none, even though the cursor, and so `childrenForFieldId`, gives its children fields).
   */
  childForFieldId(fieldId: number): SyntaxNode | null {
    if (fieldId <= 0 || this.isError) return null;
    const n = this.tree.nodes;
    for (let c = this.firstChildIndex(); c !== NO_NODE; c = n[c * NODE_WORDS + W_NEXT]!) if (n[c * NODE_WORDS + W_META]! >>> 20 === fieldId) return new SyntaxNode(this.tree, c);
    return null;
  }

  childForFieldName(name: string): SyntaxNode | null {
    const id = this.tree.fieldIdForName(name);
    return id === -1 ? null : this.childForFieldId(id);
  }

  /** The children in field `fieldId`, in order. */
  childrenForFieldId(fieldId: number): SyntaxNode[] {
    const n = this.tree.nodes;
    const out: SyntaxNode[] = [];
    for (let c = this.firstChildIndex(); c !== NO_NODE; c = n[c * NODE_WORDS + W_NEXT]!) if (n[c * NODE_WORDS + W_META]! >>> 20 === fieldId) out.push(new SyntaxNode(this.tree, c));
    return out;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const id = this.tree.fieldIdForName(name);
    return id <= 0 ? [] : this.childrenForFieldId(id);
  }

  /**
   * This node and its descendants of the given type(s), in pre-order, as web-tree-sitter's
   * descendantsOfType without a range: nodes that end at offset 0 (zero-width, at the very start)
   * are left out.
   */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const names = this.tree.names.types;
    const ids = new Set<number>();
    for (let i = 0; i < names.length; i++) if (wanted.includes(names[i]!)) ids.add(i);
    if (wanted.includes('ERROR')) ids.add(ERROR_TYPE_ID);
    const n = this.tree.nodes;
    const out: SyntaxNode[] = [];
    const end = this.tree.subtreeEnd(this.index);
    for (let i = this.index; i < end; i++) {
      const w = i * NODE_WORDS;
      if (n[w + W_END] !== 0 && ids.has(n[w + W_META]! & 0xffff)) out.push(new SyntaxNode(this.tree, i));
    }
    return out;
  }

  /**
   * The smallest node (named or not) within this one that spans `start`..`end`, as
   * web-tree-sitter's descendantForIndex finds it for a non-empty range. For an empty one, tree-sitter
   * passes over a zero-width node at the end of a hidden node (one the tree data does not keep)
   * that ends at `start`, and gives its parent; this gives the zero-width node.
   */
  descendantForIndex(start: number, end = start): SyntaxNode | null {
    if (start > end) return null;
    const n = this.tree.nodes;
    let node = this.index;
    for (let descended = true; descended; ) {
      descended = false;
      for (let c = firstChildOf(this.tree, node); c !== NO_NODE; c = n[c * NODE_WORDS + W_NEXT]!) {
        const cStart = n[c * NODE_WORDS + W_START]!;
        const cEnd = n[c * NODE_WORDS + W_END]!;
        if (cEnd < end) continue;
        if (cStart === cEnd ? cEnd < start : cEnd <= start) continue;
        if (start < cStart) break;
        node = c;
        descended = true;
        break;
      }
    }
    return new SyntaxNode(this.tree, node);
  }

  /** The S-expression of the subtree, as web-tree-sitter's `toString`. */
  toString(): string {
    return writeSExpression(this);
  }
}
