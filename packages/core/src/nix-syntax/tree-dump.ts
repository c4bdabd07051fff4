import type { Language, Tree } from 'web-tree-sitter';
import { dumpFromMemory, readLayout } from './tree-memory.js';

/**
 * A parsed tree copied out of WASM memory into one flat array, so that it can be read without
 * crossing into WASM (each web-tree-sitter node accessor does, at 100-500 ns a call) and sent to
 * another thread (the array is transferable; a web-tree-sitter tree lives in one thread's WASM
 * memory). See docs/adr/0021-syntax-trees-out-of-wasm.md.
 *
 * The nodes are those a web-tree-sitter TreeCursor visits, in the same (pre-)order, with what the
 * analysis reads of each: its type (after aliases), its offsets, its field in its parent, and
 * whether it is named, missing, extra or holds an error.
 */
export interface TreeData {
  /** The parsed source (offsets index this string). */
  text: string;
  /** NODE_WORDS words per node, node 0 the root; see the W_ constants. */
  nodes: Uint32Array;
  /** How many nodes `nodes` holds (it may be longer). */
  count: number;
  /**
   * The nodes nixOnlyErrors must look at (nix-only-suspects.ts), in order, when the dump listed
   * them (a dump from memory does); without it, nixOnlyErrors looks at every node.
   */
  suspects?: number[];
}

export const NODE_WORDS = 5;
/** Word 0: type id (16 bits: web-tree-sitter's `typeId`, 65535 for ERROR) | flags << 16 | field id << 20. */
export const W_META = 0;
/** Word 1 and 2: start and end offsets, in UTF-16 code units (web-tree-sitter's startIndex/endIndex). */
export const W_START = 1;
export const W_END = 2;
/** Word 3: the parent's index (NO_NODE for the root). */
export const W_PARENT = 3;
/** Word 4: the next sibling's index (NO_NODE for the last child). */
export const W_NEXT = 4;
export const NO_NODE = 0xffffffff;

export const FLAG_NAMED = 1;
export const FLAG_MISSING = 2;
export const FLAG_EXTRA = 4;
export const FLAG_HAS_ERROR = 8;
export const ERROR_TYPE_ID = 0xffff;
/** Field ids must fit in the 12 bits word 0 has left. */
export const MAX_FIELD_ID = 0xfff;

/** Names of a grammar's type and field ids (web-tree-sitter's `language.types` and `language.fields`). */
export interface GrammarNames {
  types: readonly string[];
  fields: readonly (string | null)[];
}

/** The WASM memory views the emscripten module keeps on the object given to `Parser.init`. */
export interface HeapViews {
  HEAPU8?: Uint8Array;
  HEAPU16?: Uint16Array;
  HEAPU32?: Uint32Array;
}

export type TreeDumper = (tree: Tree, text: string) => TreeData;

/**
 * The dumper for trees of `language`. When the runtime's memory can be read and its layout is the
 * one this file knows (checked against the public API below), trees are read straight from WASM
 * memory: about 50 ns a node. Otherwise, through a TreeCursor: correct, about 20 times slower.
 */
export function makeTreeDumper(language: Language, heap: HeapViews | undefined): { dump: TreeDumper; direct: boolean } {
  const layout = heap ? readLayout(language, heap) : undefined;
  if (!layout || !heap) return { dump: dumpWithCursor, direct: false };
  return {
    direct: true,
    dump: (tree, text) => {
      let out: TreeData | undefined;
      try {
        out = dumpFromMemory(tree, text, layout, heap);
      } catch (e) {
        // The memory walk recurses once per level of the tree; a tree deeper than the stack (`x = [ 1 ]
        // ++ [ 1 ] ++ …` with thousands of operands nests them all) is read by the cursor, a loop.
        if (!(e instanceof RangeError)) throw e;
      }
      // A tree whose node count or extent disagrees with what tree-sitter says is read again the slow way.
      return out ?? dumpWithCursor(tree, text);
    },
  };
}

/** The same dump through web-tree-sitter's public TreeCursor: the reference, and the fallback. */
export function dumpWithCursor(tree: Tree, text: string): TreeData {
  let nodes = new Uint32Array(1024 * NODE_WORDS);
  let count = 0;
  const lastChild: number[] = [];
  const cursor = tree.walk();
  try {
    const parents: number[] = [];
    for (;;) {
      const node = cursor.currentNode;
      if (count * NODE_WORDS === nodes.length) {
        const bigger = new Uint32Array(nodes.length * 2);
        bigger.set(nodes);
        nodes = bigger;
      }
      const parent = parents.length ? parents[parents.length - 1]! : NO_NODE;
      const flags = (node.isNamed ? FLAG_NAMED : 0) | (node.isMissing ? FLAG_MISSING : 0) | (node.isExtra ? FLAG_EXTRA : 0) | (node.hasError ? FLAG_HAS_ERROR : 0);
      const me = count++;
      const w = me * NODE_WORDS;
      nodes[w + W_META] = node.typeId | (flags << 16) | (cursor.currentFieldId << 20);
      nodes[w + W_START] = node.startIndex;
      nodes[w + W_END] = node.endIndex;
      nodes[w + W_PARENT] = parent;
      nodes[w + W_NEXT] = NO_NODE;
      if (parent !== NO_NODE) {
        const prev = lastChild[parent];
        if (prev !== undefined) nodes[prev * NODE_WORDS + W_NEXT] = me;
        lastChild[parent] = me;
      }
      if (cursor.gotoFirstChild()) {
        parents.push(me);
        continue;
      }
      for (;;) {
        if (cursor.gotoNextSibling()) break;
        if (!cursor.gotoParent()) return { text, nodes, count };
        parents.pop();
      }
    }
  } finally {
    cursor.delete();
  }
}
