import type { SyntaxNode } from './syntax-tree.js';
import type { FlakeOutputDecl, OutputHit } from './output-decl.js';
import { callSettings, hostCall, outputCall } from './flake-hosts.js';
import { readHomeModules, type NixHomeModuleRef } from './home-modules.js';
import { append, moduleFactsOf, type TopLevel } from './module.js';
import { importParts } from './module-imports.js';
import { importedFile, type Typed } from './nodes.js';
import { isAttrset, resolveTyped, type Scope } from './scope.js';
import type { NixSetting } from './settings.js';
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
 * from another file builds a configuration the same way. The settings of the modules written in
 * place there (`modules = [ { systemd.user.services.sync = …; } ]`) are FlakeOutputDecl.home_config.
 * Other outputs are returned as they are. `flake`: what flake.nix's outputs function binds, for an
 * output written there or in a flake-parts module (a module may be a path through `self`).
 */
export function withHomeModules(hit: OutputHit, flake?: FlakeArgs): FlakeOutputDecl {
  const d = hit.decl;
  if (d.category !== 'homeConfigurations' || d.name === null) return d;
  const call = outputCall(hit);
  if (!call) return d;
  // `alice = import ./home/alice { inherit pkgs; }`: the configuration is that file's value (read across files).
  const file = importedFile(call.node);
  if (file !== undefined) return { ...d, home_file: file };
  const { refs, config } = configurationModules(call, d.attr, () => d.line, flake);
  return refs.length || config.length ? { ...d, ...(refs.length ? { home_modules: refs } : {}), ...(config.length ? { home_config: config } : {}) } : d;
}

/** What a configuration's modules are: the files it names (`line` gives the line each `modules` argument is placed at), and the settings of those written in place. */
export interface ConfigurationModules {
  refs: NixHomeModuleRef[];
  config: NixSetting[];
}

function configurationModules(call: Typed & { scope: Scope }, via: string, line: (value: SyntaxNode) => number, flake?: FlakeArgs): ConfigurationModules {
  const out: ConfigurationModules = { refs: [], config: [] };
  for (const { name, value, scope } of callSettings(call)) {
    if (!MODULE_ARGS.has(name)) continue;
    readHomeModules(via, value, scope, line(value), out.refs, flake);
    inPlaceSettings(value, scope, out.config, flake);
  }
  return out;
}

/**
 * The settings of the modules written in place in a configuration's `modules` (`{
 * systemd.user.services.sync = …; }`, `({ pkgs, ... }: { … })`, or a name bound to one), each read
 * as a module file is (moduleFactsOf); their files are read by readHomeModules.
 */
function inPlaceSettings(value: SyntaxNode, scope: Scope, into: NixSetting[], flake: FlakeArgs | undefined): void {
  for (const part of importParts(value, scope)) {
    if (part.ref.kind !== 'expression') continue;
    const m = resolveTyped(part.node, part.scope);
    if (m.type !== 'function_expression' && !isAttrset(m.node, m.type)) continue;
    const facts = moduleFactsOf(m.node, m.scope, flake);
    if (facts) append(into, facts.config);
  }
}

/** The name homeManagerConfiguration has in any spelling (`home-manager.lib.…`, `inputs.hm.lib.…`, `inherit (…) …`). */
const HOME_CALL = 'homeManagerConfiguration';

/**
 * A file whose value is a standalone configuration (`{ inputs, pkgs }:
 * inputs.home-manager.lib.homeManagerConfiguration { inherit pkgs; modules = [ ./home.nix ]; }`),
 * read by a flake as `homeConfigurations.alice = import ./home/alice { … };`: the modules it names,
 * each at the line of its `modules` argument, with no `via` (the output that reads the file names
 * it: flake-files.ts), and the settings of those written in place. Only a file whose value is not an attrset and whose text names
 * homeManagerConfiguration is read: a search of the text of those few files.
 */
export function homeFileModules(tl: TopLevel): ConfigurationModules | null {
  if (tl.entries || !treeSource(tl.node).text.includes(HOME_CALL)) return null;
  const out = configurationModules(hostCall(unwrapValue(tl.node, tl.scope)), '', (v) => v.startPosition.row + 1);
  return out.refs.length || out.config.length ? out : null;
}
