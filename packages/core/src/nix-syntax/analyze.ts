import type { SyntaxNode } from './syntax-tree.js';
import { syntaxReport, type SyntaxReport } from './diagnostics.js';
import { flakeFactsFrom, type NixFlakeFacts } from './flake.js';
import { moduleFactsFrom, moduleIndexOf, topLevelOf, type NixModuleFacts, type NixModuleIndexEntry } from './module.js';
import { loadNixParser } from './parser.js';
import { hostFileFacts, type NixHostFileFacts } from './host-file.js';
import { markSelfImports } from './flake-args.js';
import { fieldChild } from './tree-source.js';

/**
 * Version of what analyzeNixSource extracts. Caches keyed by file content must include it:
 * bump it whenever the shape or the rules of the analysis change.
 */
export const NIX_ANALYSIS_VERSION = 40;

/** Everything the syntax layer reads from one file. Plain JSON: it crosses worker threads and caches. */
export interface NixFileAnalysis {
  syntax: SyntaxReport;
  /** The file read as a module (its value is an attrset), else null. */
  module: NixModuleFacts | null;
  /** The file read as a flake (an attrset with `outputs`), else null. */
  flake: NixFlakeFacts | null;
  /** The hosts it gives a flake that reads it (`import ./hosts`, flake-parts imports); absent when it names none. */
  hosts?: NixHostFileFacts;
  /** The modules it lists by name and file, when that is all it is (moduleIndexOf; `module` is then null). */
  module_index?: NixModuleIndexEntry[];
}

/** Analysis of a parsed tree (synchronous; the caller owns the tree). */
export function analyzeTree(root: SyntaxNode): NixFileAnalysis {
  const syntax = syntaxReport(root);
  // An editor's UTF-8 byte-order mark: the grammar takes it for whitespace, Nix for a stray token.
  if (root.tree.text.charCodeAt(0) === 0xfeff) syntax.errors.unshift({ line: 1, col: 1, message: 'a byte-order mark (U+FEFF) starts the file: Nix does not accept one; save the file as UTF-8 without BOM' });
  const top = fieldChild(root, 'expression');
  if (!top) {
    // The grammar accepts a file of only whitespace and comments (or nothing); Nix does not: a file
    // is one expression. Reported at the end of the file (Nix's own diagnostic, given first when
    // nix-instantiate confirms it, may name another position: 1:1 for a blank file).
    if (!syntax.errors.length) {
      const end = root.tree.positionAt(root.tree.text.length);
      syntax.errors.push({ line: end.row + 1, col: end.column + 1, message: 'no expression: the file is empty, or holds only comments (Nix needs one expression)' });
    }
    return { syntax, module: null, flake: null };
  }
  const tl = topLevelOf(top);
  const flake = flakeFactsFrom(tl) ?? null;
  const hosts = flake ? null : hostFileFacts(tl, top);
  const index = flake ? undefined : moduleIndexOf(tl);
  const module = flake || index ? null : (moduleFactsFrom(tl) ?? null);
  // `imports = [ "${self}/x.nix" ]` in `{ self, ... }:` (a flake-parts module's own imports).
  if (module?.imports.length && tl.form === 'function') markSelfImports(module.imports, top, tl.scope);
  return { syntax, module, flake, ...(hosts ? { hosts } : {}), ...(index ? { module_index: index } : {}) };
}

/** Parses and analyses Nix source text. */
export async function analyzeNixSource(source: string): Promise<NixFileAnalysis> {
  const parser = await loadNixParser();
  return parser.withTree(source, analyzeTree);
}
