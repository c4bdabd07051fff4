import { SyntaxNode } from './syntax-node.js';
import { type GrammarNames, NO_NODE, NODE_WORDS, type TreeData, W_NEXT, W_PARENT } from './tree-dump.js';
import { positionOf, type TreeSource } from './tree-source.js';

// A node reads its tree's arrays (syntax-node.ts); a tree is what holds them.
export { SyntaxNode } from './syntax-node.js';

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
