import type { FlakeArgs } from './flake-args.js';
import { withHomeModules } from './home-configurations.js';
import { moduleFactsOf } from './module.js';
import type { FlakeOutputDecl, OutputHit } from './output-decl.js';
import { isAttrset, resolveTyped } from './scope.js';

/** Outputs whose value is a module (NixOS, Home Manager, nix-darwin). */
const MODULE_OUTPUTS = new Set(['nixosModules', 'homeModules', 'homeManagerModules', 'darwinModules']);

/** The record of an output as the analysis keeps it: its Home Manager modules, and an in-place module's settings. */
export function outputDecl(hit: OutputHit, flake?: FlakeArgs): FlakeOutputDecl {
  return withModuleConfig(withHomeModules(hit, flake), hit, flake);
}

/**
 * A module output written in place (`nixosModules.greeter = { lib, config, ... }: { … };`): the
 * settings of that module (FlakeOutputDecl.module_config), read as a module file's are
 * (moduleFactsOf), so that the units it sets are organs of the file it is written in, as those of
 * a module written in place in a host's module list are. A path (`./modules/x.nix`, read as that
 * file) or an input's module gives none.
 */
function withModuleConfig(d: FlakeOutputDecl, hit: OutputHit, flake: FlakeArgs | undefined): FlakeOutputDecl {
  if (!MODULE_OUTPUTS.has(d.category) || !hit.value || d.value_path !== undefined || d.from_input !== undefined) return d;
  const m = resolveTyped(hit.value, hit.scope);
  if (m.type !== 'function_expression' && !isAttrset(m.node, m.type)) return d;
  const config = moduleFactsOf(m.node, m.scope, flake)?.config;
  return config?.length ? { ...d, module_config: config } : d;
}
