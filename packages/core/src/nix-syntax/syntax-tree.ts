import { writeSExpression } from './syntax-tree-string.js';
import { type GrammarNames, ERROR_TYPE_ID, FLAG_EXTRA, FLAG_HAS_ERROR, FLAG_MISSING, FLAG_NAMED, NO_NODE, NODE_WORDS, type TreeData, W_END, W_META, W_NEXT, W_PARENT, W_START } from './tree-dump.js';
import { positionOf, type TreeSource } from './tree-source.js';

/**
 * A parsed tree read from its TreeData (tree-dump.ts) instead of from WASM memory: the nodes the
 * analysis reads, with web-tree-sitter's semantics (checked node by node against it in
 * syntax-tree.test.ts), at the cost of array reads. Unlike a web-tree-sitter tree it needs no
 * `delete()` and can be read in any thread that holds the data.
 */
export class SyntaxTree {
  /** The parsed source: node offsets index this string. */
  readonly text: string;
  readonly nodes: Uint32Array;
  readonly count: number;
  /** TreeData's `suspects`, when the dump listed them. */
  readonly suspects: readonly number[] | undefined;
  readonly names: GrammarNames;
  /** Ids of nodes of this tree are `serial * 2^26 + index`: unique across the trees of a thread. */
  readonly idBase: number;
  private positions: TreeSource | undefined;
  private fieldMap: ReadonlyMap<string, number> | undefined;

  constructor(data: TreeData, names: GrammarNames) {
    if (data.count >= NODE_SPACE) throw new RangeError(`a tree of ${data.count} nodes: more than a node id can tell apart`);
    this.text = data.text;
    this.nodes = data.nodes;
    this.count = data.count;
    this.suspects = data.suspects;
    this.names = names;
    serial = (serial + 1) % MAX_SERIAL;
    this.idBase = serial * NODE_SPACE;
  }

  get rootNode(): SyntaxNode {
    return new SyntaxNode(this, 0);
  }

  /** The id of field `name` in this tree's grammar (as `language.fields.indexOf`), -1 if none. */
  fieldIdForName(name: string): number {
    this.fieldMap ??= fieldIdsOf(this.names);
    return this.fieldMap.get(name) ?? -1;
  }

  /** The 0-based row and column of an offset, as web-tree-sitter gives a node's start position. */
  positionAt(at: number): { row: number; column: number } {
    // The root's position, read for every tree, usually lies in the first line: no index of lines.
    if (!this.positions && at <= PREFIX_SCAN) {
      let row = 0;
      let lineStart = 0;
      for (let i = this.text.indexOf('\n'); i !== -1 && i < at; i = this.text.indexOf('\n', i + 1)) {
        row++;
        lineStart = i + 1;
      }
      return { row, column: at - lineStart };
    }
    this.positions ??= { text: this.text, base: 0, clean: false, row: 0, column: 0 };
    return positionOf(this.positions, at);
  }

  /** The index just past the subtree of node `i` (pre-order: its descendants follow it). */
  subtreeEnd(i: number): number {
    const n = this.nodes;
    for (let k = i; k !== NO_NODE; k = n[k * NODE_WORDS + W_PARENT]!) {
      const next = n[k * NODE_WORDS + W_NEXT]!;
      if (next !== NO_NODE) return next;
    }
    return this.count;
  }
}

/** The index of node `i`'s first child (the node after it, when that is its child), NO_NODE if none. */
function firstChildOf(tree: SyntaxTree, i: number): number {
  const next = i + 1;
  return next < tree.count && tree.nodes[next * NODE_WORDS + W_PARENT] === i ? next : NO_NODE;
}

/** Offsets up to which positionAt counts lines itself rather than index them all. */
const PREFIX_SCAN = 256;
const NODE_SPACE = 2 ** 26;
const MAX_SERIAL = 2 ** 26;
let serial = 0;

const fieldIdCache = new WeakMap<GrammarNames, ReadonlyMap<string, number>>();

/** Field name -> id, the first id of a name as `fields.indexOf` gives it; built once per grammar. */
function fieldIdsOf(names: GrammarNames): ReadonlyMap<string, number> {
  let m = fieldIdCache.get(names);
  if (!m) {
    const built = new Map<string, number>();
    names.fields.forEach((f, id) => {
      if (f !== null && !built.has(f)) built.set(f, id);
    });
    fieldIdCache.set(names, built);
    m = built;
  }
  return m;
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
