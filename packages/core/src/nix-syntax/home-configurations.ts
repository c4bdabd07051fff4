import type { SyntaxNode } from './syntax-tree.js';
import type { FlakeOutputDecl, OutputHit } from './output-decl.js';
import { callSettings, hostCall, outputCall } from './flake-hosts.js';
import { readHomeModules, type NixHomeModuleRef } from './home-modules.js';
import type { TopLevel } from './module.js';
import { importedFile, type Typed } from './nodes.js';
import type { Scope } from './scope.js';
import { treeSource } from './tree-source.js';
import type { FlakeArgs } from './flake-args.js';
import { unwrapValue } from './unwrap-value.js';

/**
 * The arguments of `home-manager.lib.homeManagerConfiguration` that hold modules: `modules` (a
 * list), and `configuration` (one module), which Home Manager took before 22.11.
 */
const MODULE_ARGS = new Set(['modules', 'configuration']);

/**
 * A standalone Home Manager configuration (`homeConfigurations.<name> =
 * home-manager.lib.homeManagerConfiguration { inherit pkgs; modules = [ ./home.nix … ]; }`)
 * with the Home Manager modules it is built from (FlakeOutputDecl.home_modules): its `modules`
 * are read as `home-manager.users.<u>`'s module is (readHomeModules: a path or `import <path>`
 * is a module, a module written in place gives what it imports, an input's module nothing),
 * handed over by the output (`via` homeConfigurations.<name>, at the output's line). The call is
 * found as a host's is (outputCall: through a helper bound in scope, whose parameters stand for
 * the arguments given, `withSystem`, `genAttrs`); the callee's name is not checked, as a helper
 * from another file builds a configuration the same way. Other outputs are returned as they are.
 * `flake`: what flake.nix's outputs function binds, for an output written there or in a
 * flake-parts module (a module may be a path through `self`).
 */
export function withHomeModules(hit: OutputHit, flake?: FlakeArgs): FlakeOutputDecl {
  const d = hit.decl;
  if (d.category !== 'homeConfigurations' || d.name === null) return d;
  const call = outputCall(hit);
  if (!call) return d;
  // `alice = import ./home/alice { inherit pkgs; }`: the configuration is that file's value (read across files).
  const file = importedFile(call.node);
  if (file !== undefined) return { ...d, home_file: file };
  const out = configurationModules(call, d.attr, () => d.line, flake);
  return out.length ? { ...d, home_modules: out } : d;
}

/** The modules a configuration's call names; `line` gives the line each `modules` argument is placed at. */
function configurationModules(call: Typed & { scope: Scope }, via: string, line: (value: SyntaxNode) => number, flake?: FlakeArgs): NixHomeModuleRef[] {
  const out: NixHomeModuleRef[] = [];
  for (const { name, value } of callSettings(call)) if (MODULE_ARGS.has(name)) readHomeModules(via, value, call.scope, line(value), out, flake);
  return out;
}

/** The name homeManagerConfiguration has in any spelling (`home-manager.lib.…`, `inputs.hm.lib.…`, `inherit (…) …`). */
const HOME_CALL = 'homeManagerConfiguration';

/**
 * A file whose value is a standalone configuration (`{ inputs, pkgs }:
 * inputs.home-manager.lib.homeManagerConfiguration { inherit pkgs; modules = [ ./home.nix ]; }`),
 * read by a flake as `homeConfigurations.alice = import ./home/alice { … };`: the modules it names,
 * each at the line of its `modules` argument, with no `via` (the output that reads the file names
 * it: flake-files.ts). Only a file whose value is not an attrset and whose text names
 * homeManagerConfiguration is read: a search of the text of those few files.
 */
export function homeFileModules(tl: TopLevel): NixHomeModuleRef[] | null {
  if (tl.entries || !treeSource(tl.node).text.includes(HOME_CALL)) return null;
  const out = configurationModules(hostCall(unwrapValue(tl.node, tl.scope)), '', (v) => v.startPosition.row + 1);
  return out.length ? out : null;
}
