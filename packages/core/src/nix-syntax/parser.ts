import { createRequire } from 'node:module';
import type { Language, Node, Parser, Tree } from 'web-tree-sitter';
import { AosError } from '../cli-kit/errors.js';

/**
 * The Nix parser: web-tree-sitter (WASM, no native build) with the tree-sitter-nix grammar shipped
 * by @cursorless/tree-sitter-wasms. Loaded once per thread, lazily, because start-up costs ~35 ms.
 * `AUTOPOIETIC_NIX_GRAMMAR` points at another grammar .wasm (the Nix package of the tools uses it).
 */
export const NIX_GRAMMAR_PACKAGE = '@cursorless/tree-sitter-wasms@0.7.0 (tree-sitter-nix 66e3e9c)';

export interface NixParser {
  /** Parses `source`; the caller must `delete()` the tree (it lives in WASM memory). */
  parse(source: string): Tree;
  /** Parses, runs `fn` on the root node, and frees the tree whatever happens. */
  withTree<T>(source: string, fn: (root: Node) => T): T;
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
    throw new AosError('nix-parser-unavailable', `cannot load the tree-sitter Nix grammar: ${String(e)}`, {
      hint: 'Reinstall dependencies (pnpm install) or set AUTOPOIETIC_NIX_GRAMMAR to a tree-sitter-nix .wasm file.',
      cause: e,
    });
  });
  return loading;
}

async function init(): Promise<NixParser> {
  const ts = await import('web-tree-sitter');
  await ts.Parser.init();
  const language: Language = await ts.Language.load(nixGrammarPath());
  const parser: Parser = new ts.Parser();
  parser.setLanguage(language);
  const parse = (source: string): Tree => {
    const tree = parser.parse(source);
    if (!tree) throw new AosError('nix-parse-failed', 'tree-sitter returned no tree', { hint: 'Report this as a bug.' });
    return tree;
  };
  return {
    parse,
    withTree<T>(source: string, fn: (root: Node) => T): T {
      const tree = parse(source);
      try {
        return fn(tree.rootNode);
      } finally {
        tree.delete();
      }
    },
  };
}
