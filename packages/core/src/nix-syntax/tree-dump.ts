import type { Language, Tree } from 'web-tree-sitter';

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
const MAX_FIELD_ID = 0xfff;

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
      const out = dumpFromMemory(tree, text, layout, heap);
      // A tree whose node count or extent disagrees with what tree-sitter says is read again the slow way.
      return out ?? dumpWithCursor(tree, text);
    },
  };
}

// --- Reading tree-sitter's memory -------------------------------------------------------------
//
// The layout of tree-sitter 0.25-0.26's wasm32 structs (lib/src/subtree.h, tree.h, parser.h), as
// web-tree-sitter 0.27 builds them. Only offsets used below are listed.
//
// TSLanguage (a prefix common to ABI 13-15): field_count @32, max_alias_sequence_length (u16) @36,
// symbol_names @56, field_names @60, field_map_slices @64, field_map_entries @68,
// symbol_metadata @72, public_symbol_map @76, alias_sequences @84, symbol_count @4, version @0.
// TSTree: root Subtree @0 (8 bytes).
// Subtree (8 bytes): inline when bit 0 of byte 0 is set (then: byte 0 bits 1 visible, 2 named,
// 3 extra, 5 is_missing; byte 1 symbol; byte 6 padding bytes; byte 7 size bytes), else a pointer
// to SubtreeHeapData: padding.bytes @4, size.bytes @16, error_cost @32, child_count @36,
// symbol (u16) @40, flags @44 (bit 0 visible, 1 named, 2 extra), flags @45 (bit 1 is_missing),
// visible_descendant_count @56, production_id (u16) @66. A heap subtree's children (Subtrees)
// lie just before it. TSFieldMapSlice {u16 index, u16 length}; TSFieldMapEntry {u16 field_id,
// u8 child_index, bool inherited}; TSSymbolMetadata {bool visible, named, supertype}.

interface Layout {
  fieldCount: number;
  maxAlias: number;
  fieldSlices: number;
  fieldEntries: number;
  symbolMetadata: number;
  publicSymbols: number;
  aliasSequences: number;
}

function readLayout(language: Language, heap: HeapViews): Layout | undefined {
  const { HEAPU8: u8, HEAPU16: u16, HEAPU32: u32 } = heap;
  const at = (language as unknown as { 0?: unknown })[0];
  if (!u8 || !u16 || !u32 || typeof at !== 'number' || at <= 0 || at % 4 !== 0) return undefined;
  const word = (off: number): number => u32[(at + off) >> 2]!;
  const version = word(0);
  const symbolCount = word(4);
  const fieldCount = word(32);
  if (version < 13 || version > 15 || symbolCount !== language.nodeTypeCount || fieldCount !== language.fieldCount || fieldCount > MAX_FIELD_ID) return undefined;
  // The names behind the pointers must be the ones the public API gives, symbol by symbol.
  const cString = (ptr: number): string => {
    let end = ptr;
    while (u8[end] !== 0 && end - ptr < 256) end++;
    return Buffer.from(u8.buffer, u8.byteOffset + ptr, end - ptr).toString('latin1');
  };
  // (web-tree-sitter leaves the names of hidden symbols, `_expression` say, out of `types`.)
  for (let s = 1; s < symbolCount; s++) {
    const name = language.types[s];
    if (name !== undefined && cString(u32[(word(56) >> 2) + s]!) !== name) return undefined;
  }
  for (let f = 1; f <= fieldCount; f++) if (cString(u32[(word(60) >> 2) + f]!) !== language.fields[f]) return undefined;
  return {
    fieldCount,
    maxAlias: u16[(at + 36) >> 1]!,
    fieldSlices: word(64),
    fieldEntries: word(68),
    symbolMetadata: word(72),
    publicSymbols: word(76),
    aliasSequences: word(84),
  };
}

/**
 * Dumps by walking the Subtrees as ts_node_child_iterator_next and
 * ts_tree_cursor_current_field_id do: hidden subtrees are entered and their visible children
 * become the visible parent's; aliases come from the parent's production; a node's field is the
 * first non-inherited field met from it up through its hidden ancestors. Returns undefined when
 * the result disagrees with the tree's own node count or extent.
 */
function dumpFromMemory(tree: Tree, text: string, L: Layout, heap: HeapViews): TreeData | undefined {
  const u8 = heap.HEAPU8!;
  const u16 = heap.HEAPU16!;
  const u32 = heap.HEAPU32!;
  const treeAt = (tree as unknown as { 0: number })[0];
  if (u8[treeAt]! & 1) return undefined; // an inline root: not a tree the analysis can use
  const root = u32[treeAt >> 2]!;
  const rootChildren = u32[(root + 36) >> 2]!;
  const expected = rootChildren > 0 ? u32[(root + 56) >> 2]! + 1 : 1;
  let nodes = new Uint32Array(expected * NODE_WORDS);
  let count = 0;

  const pub = (sym: number): number => (sym === ERROR_TYPE_ID ? sym : u16[(L.publicSymbols >> 1) + sym]!);
  const fieldOf = (production: number, child: number): number => {
    if (L.fieldCount === 0) return 0;
    const slice = L.fieldSlices + production * 4;
    const first = u16[slice >> 1]!;
    const length = u16[(slice + 2) >> 1]!;
    for (let i = 0; i < length; i++) {
      const e = L.fieldEntries + (first + i) * 4;
      if (u8[e + 3] === 0 && u8[e + 2] === child) return u16[e >> 1]!;
    }
    return 0;
  };
  const push = (meta: number, start: number, end: number, parent: number): number => {
    if (count * NODE_WORDS === nodes.length) {
      const bigger = new Uint32Array(nodes.length * 2);
      bigger.set(nodes);
      nodes = bigger;
    }
    const w = count * NODE_WORDS;
    nodes[w + W_META] = meta;
    nodes[w + W_START] = start >>> 1; // UTF-16 bytes to code units
    nodes[w + W_END] = end >>> 1;
    nodes[w + W_PARENT] = parent;
    nodes[w + W_NEXT] = NO_NODE;
    return count++;
  };

  // The visible children of heap subtree `ptr`, which starts at byte `pos`, for visible node
  // `parent`; `chainField` is the field a hidden `ptr` got on the way down; `prev` the last
  // visible child of `parent` so far. Returns the new last child.
  const children = (ptr: number, pos: number, parent: number, chainField: number, prev: number): number => {
    const n = u32[(ptr + 36) >> 2]!;
    const production = u16[(ptr + 66) >> 1]!;
    const aliases = production ? (L.aliasSequences >> 1) + production * L.maxAlias : -1;
    let structural = 0;
    let at = ptr - n * 8;
    for (let i = 0; i < n; i++, at += 8) {
      const b0 = u8[at]!;
      let visible: boolean, named: boolean, extra: boolean, missing: boolean;
      let symbol: number, padding: number, size: number, heapAt = 0, childCount = 0, errorCost = 0;
      if (b0 & 1) {
        visible = (b0 & 2) !== 0;
        named = (b0 & 4) !== 0;
        extra = (b0 & 8) !== 0;
        missing = (b0 & 32) !== 0;
        symbol = u8[at + 1]!;
        padding = u8[at + 6]!;
        size = u8[at + 7]!;
      } else {
        heapAt = u32[at >> 2]!;
        const f0 = u8[heapAt + 44]!;
        visible = (f0 & 1) !== 0;
        named = (f0 & 2) !== 0;
        extra = (f0 & 4) !== 0;
        missing = (u8[heapAt + 45]! & 2) !== 0;
        symbol = u16[(heapAt + 40) >> 1]!;
        padding = u32[(heapAt + 4) >> 2]!;
        size = u32[(heapAt + 16) >> 2]!;
        childCount = u32[(heapAt + 36) >> 2]!;
        errorCost = u32[(heapAt + 32) >> 2]!;
      }
      let alias = 0;
      let field = 0;
      if (!extra) {
        if (aliases >= 0) alias = u16[aliases + structural]!;
        field = fieldOf(production, structural) || chainField;
        structural++;
      }
      if (i > 0) pos += padding;
      const end = pos + size;
      if (visible || alias) {
        const isNamed = alias ? u8[L.symbolMetadata + alias * 3 + 1] !== 0 : named;
        const hasError = missing || errorCost > 0 || symbol === ERROR_TYPE_ID;
        const flags = (isNamed ? FLAG_NAMED : 0) | (missing ? FLAG_MISSING : 0) | (extra ? FLAG_EXTRA : 0) | (hasError ? FLAG_HAS_ERROR : 0);
        const me = push(pub(alias || symbol) | (flags << 16) | (field << 20), pos, end, parent);
        if (prev !== NO_NODE) nodes[prev * NODE_WORDS + W_NEXT] = me;
        prev = me;
        if (childCount > 0) children(heapAt, pos, me, 0, NO_NODE);
      } else if (childCount > 0) {
        prev = children(heapAt, pos, parent, extra ? 0 : field, prev);
      }
      pos = end;
    }
    return prev;
  };

  const start = u32[(root + 4) >> 2]!;
  const rootFlags = (u8[root + 44]! & 2 ? FLAG_NAMED : 0) | (u32[(root + 32) >> 2]! > 0 ? FLAG_HAS_ERROR : 0);
  push(pub(u16[(root + 40) >> 1]!) | (rootFlags << 16), start, start + u32[(root + 16) >> 2]!, NO_NODE);
  if (rootChildren > 0) children(root, start, 0, 0, NO_NODE);
  const rootNode = tree.rootNode;
  if (count !== expected || nodes[W_START] !== rootNode.startIndex || nodes[W_END] !== rootNode.endIndex) return undefined;
  return { text, nodes, count };
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
