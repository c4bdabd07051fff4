import type { SyntaxNode } from './syntax-tree.js';
import { importArgument, pathLiteral, renderAttrPath, unparen, type Typed } from './nodes.js';
import { substitutedPath } from './substituted-path.js';
import { importParts } from './module-imports.js';
import { ownPath, type FlakeArgs, type OwnPath } from './flake-args.js';
import { attrEntries, isAttrset, resolveTyped, unwrapBody, type Scope } from './scope.js';

/**
 * A Home Manager module that a NixOS module hands to Home Manager, as written: a user's module
 * (`home-manager.users.alice = ./home/alice.nix;`, `= import ./alice.nix;`, also as a part of the
 * user's `lib.mkMerge [ (import ./alice.nix) { … } ]`), what a user's module
 * imports (`home-manager.users.alice = { imports = [ ./x.nix ]; };`, also when that module is a
 * function, `{ pkgs, ... }: { imports = …; }`), and the modules every user gets
 * (`home-manager.sharedModules = [ ./home/common.nix … ];`). A module written in place in such a
 * list is no file, but what it imports is a Home Manager module too. A standalone Home Manager
 * configuration hands over the modules of its `modules` list the same way
 * (`homeConfigurations.<name> = homeManagerConfiguration { modules = [ ./home.nix ]; }`,
 * home-configurations.ts).
 */
export interface NixHomeModuleRef {
  /** The option or output that hands it over: `home-manager.users.alice`, `home-manager.sharedModules`, `homeConfigurations.alice`. */
  via: string;
  /** The path as written (relative to the file it is written in, or with `from_self`, to flake.nix's directory). */
  path: string;
  /** Written through the flake's `self` (`"${self}/home/alice.nix"`, `self + "/home/alice.nix"`), so relative to flake.nix's directory. */
  from_self?: true;
  /** The line of the binding that hands it over (of the part, for a part of a user's `mkMerge`). */
  line: number;
}

/**
 * The option a setting at `segments` hands Home Manager modules through, when it does:
 * `home-manager.users.<user>` (its value is a module), `home-manager.users.<user>.imports` and
 * `home-manager.sharedModules` (lists of modules). By segments: a user named by
 * `${config.my.user}` holds dots that are not attribute paths.
 */
export function homeModuleSlot(segments: readonly string[]): string | undefined {
  if (segments[0] !== 'home-manager') return undefined;
  if (segments.length === 2) return segments[1] === 'sharedModules' ? SHARED : undefined;
  if (segments[1] !== 'users' || segments.length > 4 || (segments.length === 4 && segments[3] !== 'imports')) return undefined;
  return renderAttrPath(segments.slice(0, 3));
}

/**
 * What the settings walk collects of what a module hands to Home Manager: the module files
 * (NixHomeModuleRef), and the modules written in place in `home-manager.sharedModules`
 * (`[ { systemd.user.services.sync = …; } ]`), which the module reader reads as modules
 * (NixModuleFacts.shared_config). A user's module written in place is read by the walk itself:
 * its settings are settings of `home-manager.users.<user>`.
 */
export interface HomeHandovers {
  refs: NixHomeModuleRef[];
  shared: { node: SyntaxNode; scope: Scope }[];
  /** What flake.nix's outputs function binds, for a module written there (readHomeModules). */
  flake?: FlakeArgs | undefined;
}

/** Reads what the value at `segments` hands over, when `segments` is a Home Manager slot (homeModuleSlot). */
export function readHandovers(segments: readonly string[], value: SyntaxNode, scope: Scope, line: number, into: HomeHandovers): void {
  const via = homeModuleSlot(segments);
  if (via === undefined) return;
  readHomeModules(via, value, scope, line, into.refs, into.flake);
  if (via !== SHARED) return;
  for (const part of importParts(value, scope)) if (part.ref.kind === 'expression') into.shared.push({ node: part.node, scope: part.scope });
}

const SHARED = 'home-manager.sharedModules';

/** True for `home-manager.users.<user>`, whose value is a module (and so may be a function). */
export function isHomeUser(segments: readonly string[]): boolean {
  return segments.length === 3 && segments[0] === 'home-manager' && segments[1] === 'users';
}

/** How deep modules written in place are read for their imports (`{ imports = [ { imports = … } ]; }`). */
const MAX_INLINE_DEPTH = 4;

/**
 * Reads the modules `value` hands over through `via` (a module, or a list of them): each path or
 * `import <path>` is one; a module written in place (an attrset or a function) gives what it
 * imports, and a function returning another value (`args: import ./x.nix args`) what that value
 * is. Anything else (an input's module, a call) is no file of the genome and is passed over.
 * `flake`: what flake.nix's outputs function binds, when `value` is written there or in a
 * flake-parts module (see FlakeArgs), where a path through `self` is a path of the flake.
 */
export function readHomeModules(via: string, value: SyntaxNode, scope: Scope, line: number, out: NixHomeModuleRef[], flake?: FlakeArgs, depth = 0): void {
  for (const { ref, node, scope: at } of importParts(value, scope)) {
    if (ref.path !== undefined && !ref.dynamic) {
      out.push({ via, path: ref.path, line });
      continue;
    }
    if ((ref.kind === 'string' && !flake) || depth >= MAX_INLINE_DEPTH) continue;
    const el = resolveTyped(node, at);
    const path = modulePath(el, el.scope, flake);
    if (path !== undefined) {
      out.push({ via, ...path, line });
      continue;
    }
    if (ref.kind !== 'expression' || (el.type !== 'function_expression' && !isAttrset(el.node, el.type))) continue;
    const body = unwrapBody(el.node, el.scope, el.type);
    if (!isAttrset(body.node, body.type)) {
      if (el.type === 'function_expression') readHomeModules(via, body.node, body.scope, line, out, flake, depth + 1);
      continue;
    }
    for (const e of attrEntries(body.node, body.type)) {
      if (e.value && e.path.length === 1 && e.path[0] === 'imports') readHomeModules(via, e.value, body.scope, line, out, flake, depth + 1);
    }
  }
}

/**
 * The module file a value names when it is not written as a plain path: a name bound to a path
 * (`let alice = ./alice.nix;`, or a helper's parameter given one: `mkHome = module:
 * homeManagerConfiguration { modules = [ module ]; }`), a path (or `import <path>`) whose
 * `${…}` are names bound to strings (`mkHome = name: … { modules = [ ./home/${name} ]; }`, given
 * `"alice"`: substitutedPath), and with `flake`, a path through the flake's `self` (ownPath), as
 * a host's module list reads one. Only a dynamic element of a Home Manager module list gets here.
 */
function modulePath(el: Typed, scope: Scope, flake: FlakeArgs | undefined): Pick<NixHomeModuleRef, 'path' | 'from_self'> | undefined {
  const imported = el.type === 'apply_expression' ? importArgument(el.node, el.type) : undefined;
  if (el.type === 'apply_expression' && !imported) return undefined;
  const target = imported ? unparen(imported) : el;
  const p: OwnPath | undefined = pathLiteral(target.node, target.type) ?? ownPath(target.node, scope, flake);
  const path = p && (p.dynamic ? substitutedPath(p.text, scope) : p.text);
  return path === undefined ? undefined : { path, ...(p?.self ? { from_self: true } : {}) };
}
