import { createRequire } from 'node:module';
import type { Language, Parser, Tree } from 'web-tree-sitter';
import { AosError } from '../cli-kit/errors.js';
import { getLogger } from '../cli-kit/logger.js';
import { parserLoadHint } from './parser-load-hint.js';
import { type SyntaxNode, SyntaxTree } from './syntax-tree.js';
import { makeTreeDumper, type GrammarNames, type HeapViews, type TreeData } from './tree-dump.js';

/**
 * The Nix parser: web-tree-sitter (WASM, no native build) with the tree-sitter-nix grammar shipped
 * by @cursorless/tree-sitter-wasms. Loaded once per thread, lazily, because start-up costs ~35 ms.
 * `AUTOPOIETIC_NIX_GRAMMAR` points at another grammar .wasm (the Nix package of the tools uses it).
 */
export const NIX_GRAMMAR_PACKAGE = '@cursorless/tree-sitter-wasms@0.7.0 (tree-sitter-nix 66e3e9c)';

export interface NixParser {
  /**
   * Parses `source`; the caller must `delete()` the tree (it lives in WASM memory). Throws
   * AosError `nix-parse-too-slow` past `limitMs` (default: parseTimeLimitMs of its length).
   */
  parse(source: string, limitMs?: number): Tree;
  /** Parses `source` and copies the tree out of WASM memory (tree-dump.ts); the WASM tree is freed. */
  parseData(source: string, limitMs?: number): TreeData;
  /** The grammar's type and field names, to read TreeData of this parser with. */
  readonly names: GrammarNames;
  /** Whether trees are read straight from WASM memory (else through a TreeCursor, ~20 times slower). */
  readonly directDump: boolean;
  /**
   * Parses `source` into a SyntaxTree (parseData: the WASM tree is already freed) and runs `fn` on
   * its root node.
   */
  withTree<T>(source: string, fn: (root: SyntaxNode) => T, limitMs?: number): T;
}

/**
 * How long a parse may take. tree-sitter-nix lexes some inputs in quadratic time (a select of
 * 100,000 names, `a.a.a.…`, 200 KB, took minutes: each name's lexing scans the rest for a path's
 * `/`), so a parse gives up past a limit no real file comes near: 5 s, and 2 s per MiB (the
 * largest file read, 8 MiB, parses in under 2 s).
 */
export function parseTimeLimitMs(length: number): number {
  return 5000 + Math.ceil((2000 * length) / (1024 * 1024));
}

let loading: Promise<NixParser> | undefined;

export function nixGrammarPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.AUTOPOIETIC_NIX_GRAMMAR) return env.AUTOPOIETIC_NIX_GRAMMAR;
  return createRequire(import.meta.url).resolve('@cursorless/tree-sitter-wasms/out/tree-sitter-nix.wasm');
}

/** The shared parser of this thread (workers each load their own). */
export function loadNixParser(): Promise<NixParser> {
  loading ??= init().catch((e: unknown) => {
    loading = undefined;
    throw new AosError('nix-parser-unavailable', `cannot load the tree-sitter Nix grammar: ${String(e)}`, { hint: parserLoadHint(e), cause: e });
  });
  return loading;
}

async function init(): Promise<NixParser> {
  const ts = await import('web-tree-sitter');
  // Emscripten keeps its views of the WASM memory on the object given here; tree-dump.ts reads
  // trees through them. Only the first init of a thread takes it (later ones share the module).
  const heap: HeapViews = {};
  await ts.Parser.init(heap);
  const language: Language = await ts.Language.load(nixGrammarPath());
  const parser: Parser = new ts.Parser();
  parser.setLanguage(language);
  const parse = (source: string, limitMs = parseTimeLimitMs(source.length)): Tree => {
    const deadline = performance.now() + limitMs;
    // Returning true cancels the parse (web-tree-sitter asks every few hundred tokens).
    const tree = parser.parse(source, null, { progressCallback: () => performance.now() > deadline });
    if (tree) return tree;
    // A cancelled parser would resume the cancelled parse on the next call.
    parser.reset();
    throw new AosError('nix-parse-too-slow', `the Nix parser gave up after ${(limitMs / 1000).toFixed(1)} s on ${source.length} characters: not parsed`, {
      hint: 'Split the expression (a select or attribute path of thousands of names, say) into smaller ones.',
    });
  };
  const dumper = makeTreeDumper(language, heap.HEAPU8 ? heap : undefined);
  // Correct either way, but about 20 times slower: said where someone looking for why will look.
  if (!dumper.direct) getLogger().debug({ runtime: 'web-tree-sitter' }, 'trees are copied through the TreeCursor: the WASM memory layout is not the one tree-memory.ts reads');
  const names: GrammarNames = { types: language.types, fields: language.fields };
  const parseData = (source: string, limitMs?: number): TreeData => {
    const tree = parse(source, limitMs);
    try {
      return dumper.dump(tree, source);
    } finally {
      tree.delete();
    }
  };
  return {
    parse,
    names,
    directDump: dumper.direct,
    parseData,
    withTree: <T>(source: string, fn: (root: SyntaxNode) => T, limitMs?: number): T => fn(new SyntaxTree(parseData(source, limitMs), names).rootNode),
  };
}
