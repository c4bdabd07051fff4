import type { FlakeOutputDecl, OutputHit } from './flake-outputs.js';
import { callSettings, outputCall } from './flake-hosts.js';
import { readHomeModules, type NixHomeModuleRef } from './home-modules.js';

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
 */
export function withHomeModules(hit: OutputHit): FlakeOutputDecl {
  const d = hit.decl;
  if (d.category !== 'homeConfigurations' || d.name === null) return d;
  const call = outputCall(hit);
  if (!call) return d;
  const out: NixHomeModuleRef[] = [];
  for (const { name, value } of callSettings(call)) if (MODULE_ARGS.has(name)) readHomeModules(d.attr, value, call.scope, d.line, out);
  return out.length ? { ...d, home_modules: out } : d;
}
