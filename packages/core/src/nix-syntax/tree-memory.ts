import type { Language, Tree } from 'web-tree-sitter';
import {
  ERROR_TYPE_ID,
  FLAG_EXTRA,
  FLAG_HAS_ERROR,
  FLAG_MISSING,
  FLAG_NAMED,
  type HeapViews,
  MAX_FIELD_ID,
  NO_NODE,
  NODE_WORDS,
  type TreeData,
  W_END,
  W_META,
  W_NEXT,
  W_PARENT,
  W_START,
} from './tree-dump.js';
import { isSuspect, suspectKinds } from './nix-only-suspects.js';

// --- Reading tree-sitter's memory -------------------------------------------------------------
//
// The layout of tree-sitter 0.25-0.26's wasm32 structs (lib/src/subtree.h, tree.h, parser.h), as
// web-tree-sitter 0.27 builds them. Only offsets used below are listed.
//
// TSLanguage (a prefix common to ABI 13-15): production_id_count @28, field_count @32, max_alias_sequence_length (u16) @36,
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

export interface Layout {
  maxAlias: number;
  symbolMetadata: number;
  publicSymbols: number;
  aliasSequences: number;
  /** Per production id, the field of each structural child (fieldTables). */
  fields: Uint16Array[];
  /** Per public type id, what nixOnlyErrors looks at (nix-only-suspects.ts). */
  suspectKinds: Uint8Array;
}

export function readLayout(language: Language, heap: HeapViews): Layout | undefined {
  const { HEAPU8: u8, HEAPU16: u16, HEAPU32: u32 } = heap;
  const at = (language as unknown as { 0?: unknown })[0];
  if (!u8 || !u16 || !u32 || typeof at !== 'number' || at <= 0 || at % 4 !== 0) return undefined;
  const word = (off: number): number => u32[(at + off) >> 2]!;
  const version = word(0);
  const symbolCount = word(4);
  const fieldCount = word(32);
  if (word(28) > 0xffff) return undefined; // production ids are 16 bits
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
    maxAlias: u16[(at + 36) >> 1]!,
    symbolMetadata: word(72),
    publicSymbols: word(76),
    aliasSequences: word(84),
    fields: fieldTables(u8, u16, word(28), fieldCount, word(64), word(68)),
    suspectKinds: suspectKinds(language.types),
  };
}

/**
 * Dumps by walking the Subtrees as ts_node_child_iterator_next and
 * ts_tree_cursor_current_field_id do: hidden subtrees are entered and their visible children
 * become the visible parent's; aliases come from the parent's production; a node's field is the
 * first non-inherited field met from it up through its hidden ancestors. Returns undefined when
 * the result disagrees with the tree's own node count or extent.
 */
export function dumpFromMemory(tree: Tree, text: string, L: Layout, heap: HeapViews): TreeData | undefined {
  const u8 = heap.HEAPU8!;
  const u32 = heap.HEAPU32!;
  const treeAt = (tree as unknown as { 0: number })[0];
  if (u8[treeAt]! & 1) return undefined; // an inline root: not a tree the analysis can use
  const root = u32[treeAt >> 2]!;
  const rootChildren = u32[(root + 36) >> 2]!;
  const expected = rootChildren > 0 ? u32[(root + 56) >> 2]! + 1 : 1;
  const reader = new MemoryReader(L, heap, expected);
  const start = u32[(root + 4) >> 2]!;
  const rootFlags = (u8[root + 44]! & 2 ? FLAG_NAMED : 0) | (u32[(root + 32) >> 2]! > 0 ? FLAG_HAS_ERROR : 0);
  reader.push(reader.pub(heap.HEAPU16![(root + 40) >> 1]!) | (rootFlags << 16), start, start + u32[(root + 16) >> 2]!, NO_NODE);
  if (rootChildren > 0) reader.children(root, start, 0, 0, NO_NODE);
  const { nodes, count } = reader;
  const rootNode = tree.rootNode;
  if (reader.failed || count !== expected || nodes[W_START] !== rootNode.startIndex || nodes[W_END] !== rootNode.endIndex) return undefined;
  return { text, nodes, count, suspects: reader.suspects };
}

const NO_FIELDS = new Uint16Array(0);

/** The state of one dumpFromMemory (a class: its fields are faster to reach than closure variables). */
class MemoryReader {
  nodes: Uint32Array;
  count = 0;
  failed = false;
  /** The nodes nixOnlyErrors must look at, listed as they are written (TreeData's `suspects`). */
  readonly suspects: number[] = [];
  private readonly u8: Uint8Array;
  private readonly u16: Uint16Array;
  private readonly u32: Uint32Array;

  constructor(
    private readonly L: Layout,
    heap: HeapViews,
    expected: number,
  ) {
    this.u8 = heap.HEAPU8!;
    this.u16 = heap.HEAPU16!;
    this.u32 = heap.HEAPU32!;
    this.nodes = new Uint32Array(expected * NODE_WORDS);
  }

  pub(sym: number): number {
    return sym === ERROR_TYPE_ID ? sym : this.u16[(this.L.publicSymbols >> 1) + sym]!;
  }

  push(meta: number, start: number, end: number, parent: number): number {
    if (this.count * NODE_WORDS === this.nodes.length) {
      const bigger = new Uint32Array(this.nodes.length * 2);
      bigger.set(this.nodes);
      this.nodes = bigger;
    }
    const w = this.count * NODE_WORDS;
    const nodes = this.nodes;
    nodes[w + W_META] = meta;
    nodes[w + W_START] = start >>> 1; // UTF-16 bytes to code units
    nodes[w + W_END] = end >>> 1;
    nodes[w + W_PARENT] = parent;
    nodes[w + W_NEXT] = NO_NODE;
    const kind = this.L.suspectKinds[meta & 0xffff];
    if (kind && isSuspect(kind, start >>> 1, end >>> 1)) this.suspects.push(this.count);
    return this.count++;
  }

  /**
   * The visible children of heap subtree `ptr`, which starts at byte `pos`, for visible node
   * `parent`; `chainField` is the field a hidden `ptr` got on the way down; `prev` the last
   * visible child of `parent` so far. Returns the new last child.
   */
  children(ptr: number, pos: number, parent: number, chainField: number, prev: number): number {
    const { u8, u16, u32, L } = this;
    const n = u32[(ptr + 36) >> 2]!;
    const production = u16[(ptr + 66) >> 1]!;
    const aliases = production ? (L.aliasSequences >> 1) + production * L.maxAlias : -1;
    if (production >= L.fields.length) this.failed = true; // not a production of this language: read again the slow way
    const fields = L.fields[production] ?? NO_FIELDS;
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
        field = (structural < fields.length ? fields[structural]! : 0) || chainField;
        structural++;
      }
      if (i > 0) pos += padding;
      const end = pos + size;
      if (visible || alias) {
        const isNamed = alias ? u8[L.symbolMetadata + alias * 3 + 1] !== 0 : named;
        const hasError = missing || errorCost > 0 || symbol === ERROR_TYPE_ID;
        const flags = (isNamed ? FLAG_NAMED : 0) | (missing ? FLAG_MISSING : 0) | (extra ? FLAG_EXTRA : 0) | (hasError ? FLAG_HAS_ERROR : 0);
        const me = this.push(this.pub(alias || symbol) | (flags << 16) | (field << 20), pos, end, parent);
        if (prev !== NO_NODE) this.nodes[prev * NODE_WORDS + W_NEXT] = me;
        prev = me;
        if (childCount > 0) this.children(heapAt, pos, me, 0, NO_NODE);
      } else if (childCount > 0) {
        prev = this.children(heapAt, pos, parent, extra ? 0 : field, prev);
      }
      pos = end;
    }
    return prev;
  }
}

/**
 * The non-inherited field of each structural child of each production (0: none), read from the
 * field map once per language: for production p, `fields[p][childIndex]`.
 */
function fieldTables(u8: Uint8Array, u16: Uint16Array, productions: number, fieldCount: number, fieldSlices: number, fieldEntries: number): Uint16Array[] {
  const none = new Uint16Array(0);
  const out: Uint16Array[] = [];
  for (let production = 0; production < productions; production++) {
    let fields = none;
    const slice = fieldSlices + production * 4;
    const first = fieldCount > 0 ? u16[slice >> 1]! : 0;
    const length = fieldCount > 0 ? u16[(slice + 2) >> 1]! : 0;
    // Entries are sorted by field id, and the cursor gives a child the first that names it:
    // going backwards, the last write for a child is that one.
    for (let i = length - 1; i >= 0; i--) {
      const e = fieldEntries + (first + i) * 4;
      if (u8[e + 3] !== 0) continue;
      const child = u8[e + 2]!;
      if (child >= fields.length) {
        const grown = new Uint16Array(child + 1);
        grown.set(fields);
        fields = grown;
      }
      fields[child] = u16[e >> 1]!;
    }
    out.push(fields);
  }
  return out;
}
