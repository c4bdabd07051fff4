import type { SyntaxNode } from './syntax-tree.js';
import { syntaxReport, type SyntaxReport } from './diagnostics.js';
import { flakeFactsFrom, type NixFlakeFacts } from './flake.js';
import { moduleFactsFrom, topLevelOf, type NixModuleFacts } from './module.js';
import { loadNixParser } from './parser.js';
import { hostFileFacts, type NixHostFileFacts } from './host-file.js';
import { markSelfImports } from './flake-args.js';
import { fieldChild } from './tree-source.js';

/**
 * Version of what analyzeNixSource extracts. Caches keyed by file content must include it:
 * bump it whenever the shape or the rules of the analysis change.
 */
export const NIX_ANALYSIS_VERSION = 21;

/** Everything the syntax layer reads from one file. Plain JSON: it crosses worker threads and caches. */
export interface NixFileAnalysis {
  syntax: SyntaxReport;
  /** The file read as a module (its value is an attrset), else null. */
  module: NixModuleFacts | null;
  /** The file read as a flake (an attrset with `outputs`), else null. */
  flake: NixFlakeFacts | null;
  /** The hosts it gives a flake that reads it (`import ./hosts`, flake-parts imports); absent when it names none. */
  hosts?: NixHostFileFacts;
}

/** Analysis of a parsed tree (synchronous; the caller owns the tree). */
export function analyzeTree(root: SyntaxNode): NixFileAnalysis {
  const syntax = syntaxReport(root);
  const top = fieldChild(root, 'expression');
  if (!top) return { syntax, module: null, flake: null };
  const tl = topLevelOf(top);
  const flake = flakeFactsFrom(tl) ?? null;
  const hosts = flake ? null : hostFileFacts(tl, top);
  const module = flake ? null : (moduleFactsFrom(tl) ?? null);
  // `imports = [ "${self}/x.nix" ]` in `{ self, ... }:` (a flake-parts module's own imports).
  if (module?.imports.length && tl.form === 'function') markSelfImports(module.imports, top, tl.scope);
  return { syntax, module, flake, ...(hosts ? { hosts } : {}) };
}

/** Parses and analyses Nix source text. */
export async function analyzeNixSource(source: string): Promise<NixFileAnalysis> {
  const parser = await loadNixParser();
  return parser.withTree(source, analyzeTree);
}
