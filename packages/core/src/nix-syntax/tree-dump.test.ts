import type { Language } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CorpusFile, nixCorpus } from '../../../../tests/support/nix-corpus.js';
import { loadNixParser, type NixParser } from './parser.js';
import { dumpWithCursor, makeTreeDumper, NODE_WORDS, type TreeData } from './tree-dump.js';

let parser: NixParser;
let language: Language;
let corpus: CorpusFile[];
beforeAll(async () => {
  parser = await loadNixParser();
  const tree = parser.parse('1');
  language = tree.language;
  tree.delete();
  corpus = nixCorpus();
});

/** The words of the nodes a dump holds (its array may be longer). */
function words(d: TreeData): number[] {
  return Array.from(d.nodes.subarray(0, d.count * NODE_WORDS));
}

/** The dump of `text` through web-tree-sitter's TreeCursor: the reference. */
function cursorDump(text: string): TreeData {
  const tree = parser.parse(text);
  try {
    return dumpWithCursor(tree, text);
  } finally {
    tree.delete();
  }
}

describe('tree-dump', () => {
  it('reads trees straight from WASM memory with the pinned web-tree-sitter', () => {
    expect(parser.directDump).toBe(true);
  });

  it('gives, from memory, what the TreeCursor gives, for every file of the corpus', () => {
    let nodes = 0;
    let errorTrees = 0;
    const differ: string[] = [];
    for (const f of corpus) {
      const direct = parser.parseData(f.text);
      const reference = cursorDump(f.text);
      nodes += direct.count;
      if (reference.count > 0 && (reference.nodes[0]! >>> 16) & 8) errorTrees++;
      if (direct.text !== f.text || direct.count !== reference.count || words(direct).join() !== words(reference).join()) differ.push(f.name);
    }
    expect(differ).toEqual([]);
    expect(corpus.length).toBeGreaterThan(300);
    expect(nodes).toBeGreaterThan(100_000);
    expect(errorTrees).toBeGreaterThan(50);
  });

  it('reads a tree deeper than the stack (a `++` chain of 30,000 operands nests them all) through the TreeCursor', () => {
    const text = `{ x = ${Array.from({ length: 30_000 }, () => '[ 1 ]').join(' ++ ')}; }`;
    const direct = parser.parseData(text);
    expect(direct.count).toBeGreaterThan(90_000);
    expect(words(direct)).toEqual(words(cursorDump(text)));
  });

  it('falls back to the TreeCursor without the WASM memory', () => {
    const dumper = makeTreeDumper(language, undefined);
    expect(dumper.direct).toBe(false);
    const text = corpus.find((f) => f.name === 'flake.nix')!.text;
    const tree = parser.parse(text);
    try {
      expect(words(dumper.dump(tree, text))).toEqual(words(cursorDump(text)));
    } finally {
      tree.delete();
    }
  });

  it('falls back to the TreeCursor when the memory does not hold the layout it knows', () => {
    // Views over zeroed memory as large as the real one is up to the language: every check fails.
    const at = (language as unknown as { 0: number })[0];
    const zeroed = new ArrayBuffer(at + 64 * 1024);
    const dumper = makeTreeDumper(language, { HEAPU8: new Uint8Array(zeroed), HEAPU16: new Uint16Array(zeroed), HEAPU32: new Uint32Array(zeroed) });
    expect(dumper.direct).toBe(false);
    const text = '{ a = 1; b = [ "x" ./y.nix ]; }';
    const tree = parser.parse(text);
    try {
      expect(words(dumper.dump(tree, text))).toEqual(words(cursorDump(text)));
    } finally {
      tree.delete();
    }
  });
});
