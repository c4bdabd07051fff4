import type { SyntaxNode } from './syntax-tree.js';
import { spanOf, unparen } from './nodes.js';
import { attrEntries, EMPTY_SCOPE, isAttrset, unwrapBody, type AttrEntry, type Scope } from './scope.js';
import type { SourceEntry } from './entries.js';
import { fieldChild } from './tree-source.js';
import { flattenSettings, type NixComputedConfig, type NixSetting } from './settings.js';
import { unwrapValue } from './unwrap-value.js';
import { collectOptions, type NixComputedOptions, type NixOptionDecl } from './option-decls.js';
import { importRefs, type NixImportRef } from './module-imports.js';
import type { HomeHandovers, NixHomeModuleRef } from './home-modules.js';
import type { FlakeArgs } from './flake-args.js';

export { importRefs, listElements, listElementsOf, type NixImportRef } from './module-imports.js';
export type { NixHomeModuleRef } from './home-modules.js';
export type { NixComputedOptions, NixOptionDecl } from './option-decls.js';


export interface NixModuleFacts {
  /** `function` for `{ config, ... }: { … }`, `attrset` for a bare attrset. */
  form: 'function' | 'attrset';
  options: NixOptionDecl[];
  computed_options: NixComputedOptions[];
  /** Attribute paths set under `config` (or at top level in the shorthand form). */
  config: NixSetting[];
  /** Values under `config` whose settings only evaluation can list (see NixComputedConfig). */
  computed_config: NixComputedConfig[];
  imports: NixImportRef[];
  /** Home Manager modules it hands over (`home-manager.users.<u>`, `home-manager.sharedModules`); absent when none. */
  home_modules?: NixHomeModuleRef[];
  /**
   * The settings of the modules written in place in `home-manager.sharedModules` (`[ {
   * systemd.user.services.sync = …; } ]`), read as those modules' own (`systemd.user.services.sync.…`):
   * every user gets them. Apart from `config`, which holds this module's options; absent when none.
   */
  shared_config?: NixSetting[];
}

/** Module attributes that are not configuration. */
const RESERVED = new Set(['imports', 'options', 'config', 'meta', '_file', 'key', 'disabledModules', '_class', 'freeformType']);

/** A file's value, read once and shared by the module and the flake readers. */
export interface TopLevel {
  form: 'function' | 'attrset';
  node: SyntaxNode;
  scope: Scope;
  /** The attrset entries, when the value is an attrset. */
  entries: AttrEntry[] | undefined;
  /** A function that returns a function (`final: prev: { … }`, an overlay): never a module. */
  curried: boolean;
}

export function topLevelOf(top: SyntaxNode, outer: Scope = EMPTY_SCOPE): TopLevel {
  const first = unparen(top);
  const form = first.type === 'function_expression' ? 'function' : 'attrset';
  const body = form === 'function' ? fieldChild(first.node, 'body') : null;
  const curried = body !== null && unparen(body).type === 'function_expression';
  const { node, scope, type } = unwrapBody(first.node, outer, first.type);
  return { form, node, scope, entries: isAttrset(node, type) ? attrEntries(node, type) : undefined, curried };
}

/** Reads a file as a NixOS/Home Manager module, when its value is an attrset (else undefined). */
export function moduleFacts(root: SyntaxNode): NixModuleFacts | undefined {
  const top = fieldChild(root, 'expression');
  return top ? moduleFactsFrom(topLevelOf(top)) : undefined;
}

/**
 * The same reading for a module written inline (an element of a `modules` list); `flake`: what
 * flake.nix's outputs function binds, when the list is written there or in a flake-parts module
 * (the Home Manager modules it hands over may be paths through `self`: readHomeModules).
 */
export function moduleFactsOf(top: SyntaxNode, outer: Scope, flake?: FlakeArgs): NixModuleFacts | undefined {
  return moduleFactsFrom(topLevelOf(top, outer), flake);
}

export function moduleFactsFrom(tl: TopLevel, flake?: FlakeArgs): NixModuleFacts | undefined {
  const { form, node, scope, entries } = tl;
  // The module system calls a module with one attrset; a function that takes two arguments one
  // at a time (`final: prev: { … }`, `self: super: { … }`) is an overlay or a helper, not a module.
  if (tl.curried) return undefined;
  if (!entries) return wholeConfigModule(tl, flake);
  const explicit = entries.some((e) => e.path[0] === 'config' || e.path[0] === 'options');
  if (!explicit && isHelperLibrary(entries)) return undefined;
  const facts = emptyFacts(form);
  const home = newHandovers(flake);
  for (const e of entries) {
    const head = e.path[0];
    // Read by name first: a value read from the source fetches its node on first use, which takes
    // a walk of the attrset's members (a shorthand module of 40,000 settings took seconds).
    if ((head !== 'options' && head !== 'imports' && head !== 'config') || !e.value) continue;
    if (head === 'options') collectOptions(e.value, scope, e.path.slice(1), e.node, facts);
    else if (head === 'imports' && e.path.length === 1) append(facts.imports, importRefs(e.value, scope));
    else if (head === 'config') append(facts.config, flattenSettings(e.value, scope, e.path.slice(1), { dynamic: e.dynamic, binding: e.node, computed: facts.computed_config, home }));
  }
  if (!explicit) facts.config = flattenSettings(node, scope, [], { skip: (n) => RESERVED.has(n), home });
  return withHandovers(facts, home);
}

function newHandovers(flake: FlakeArgs | undefined): HomeHandovers {
  return { refs: [], shared: [], flake };
}

/**
 * `facts` with what it hands to Home Manager: the module files, and the settings of the modules
 * of `home-manager.sharedModules` written in place, each read as a module (a module that is no
 * attrset once its function and `mkIf` are peeled sets nothing that can be listed).
 */
function withHandovers(facts: NixModuleFacts, home: HomeHandovers): NixModuleFacts {
  if (home.refs.length) facts.home_modules = home.refs;
  const shared: NixSetting[] = [];
  for (const m of home.shared) {
    const read = moduleFactsOf(m.node, m.scope);
    if (read) append(shared, read.config);
  }
  if (shared.length) facts.shared_config = shared;
  return facts;
}

/** One entry of a file that lists modules by name (NixModuleIndexEntry: `fonts = import ./fonts.nix;`). */
export interface NixModuleIndexEntry {
  name: string;
  /** The path as written (`./fonts.nix`). */
  path: string;
  line: number;
  col: number;
}

/** `import ./x` (group 1: the import) or `./x.nix`, in parentheses or not: a module given by its file (group 2). */
const MODULE_FILE = /^\(?\s*(import\s+)?(\.{1,2}\/[\w.+\-/]*)\s*\)?$/;

/**
 * A file whose value is an attrset of modules named by their files (`{ fonts = import ./fonts.nix;
 * monitors = ./monitors.nix; }`, the `modules/nixos/default.nix` of a flake that writes
 * `nixosModules = import ./modules/nixos;`): its entries, when every top-level value is `import
 * <path>` or a path to a `.nix` file. Such a file is no module (as one, it would set options named
 * `fonts` and `monitors`). Undefined for any other file.
 */
export function moduleIndexOf(tl: TopLevel): NixModuleIndexEntry[] | undefined {
  if (!tl.entries?.length || tl.curried) return undefined;
  const out: NixModuleIndexEntry[] = [];
  for (const e of tl.entries) {
    const name = e.path[0];
    if (e.path.length !== 1 || e.dynamic || name === undefined || RESERVED.has(name)) return undefined;
    const lexed = (e as SourceEntry).lexed;
    const text = lexed ? lexed.text : e.value?.text;
    const m = text === undefined ? null : MODULE_FILE.exec(text);
    if (!m || (m[1] === undefined && !m[2]!.endsWith('.nix'))) return undefined;
    const at = lexed ? lexed.binding : spanOf(e.node);
    out.push({ name, path: m[2]!, line: at.line, col: at.col });
  }
  return out;
}

/** Top-level names of a flake-parts module, whose values are functions of the module system's own (`perSystem = { pkgs, ... }: { … }`). */
const FLAKE_PARTS_NAMES = new Set(['perSystem', 'flake', 'flake-file', 'systems']);

/**
 * An attrset of helpers (`{ lib, ... }: { mkHost = name: …; scanPaths = dir: …; }`, a lib/ of a
 * configuration): in the shorthand form every top-level value would be a setting, and no NixOS or
 * Home Manager option takes a function at the top level, so a top-level value that is a function
 * makes the file a library, not a module. (Values read from the source are never functions: only
 * the other entries' values are looked at.)
 */
function isHelperLibrary(entries: AttrEntry[]): boolean {
  if (entries.some((e) => e.path.length === 1 && FLAKE_PARTS_NAMES.has(e.path[0]!))) return false;
  return entries.some((e) => e.path.length === 1 && !(e as SourceEntry).lexed && e.value !== undefined && unparen(e.value).type === 'function_expression');
}

/**
 * A module whose value is all configuration behind `mkIf` (or `mkMerge`, `mkDefault` …):
 * `{ lib, config, ... }: lib.mkIf config.x.enable { … }`. The module system reads such a value as
 * the shorthand form reads an attrset (everything is config), so its settings are read the same
 * way, each marked conditional under `mkIf`. Any other value that is not an attrset (a package, a
 * helper function) is not a module.
 */
function wholeConfigModule(tl: TopLevel, flake: FlakeArgs | undefined): NixModuleFacts | undefined {
  if (tl.node.type !== 'apply_expression') return undefined;
  const u = unwrapValue(tl.node, tl.scope);
  if (!u.merge && !isAttrset(u.node, u.type)) return undefined;
  const facts = emptyFacts(tl.form);
  const home = newHandovers(flake);
  facts.config = flattenSettings(tl.node, tl.scope, [], { skip: (n) => RESERVED.has(n), home, computed: facts.computed_config });
  return withHandovers(facts, home);
}

function emptyFacts(form: NixModuleFacts['form']): NixModuleFacts {
  return { form, options: [], computed_options: [], config: [], computed_config: [], imports: [] };
}

/** Appends in place: `push(...items)` passes each item as an argument, and overflows the stack past ~100,000. */
export function append<T>(to: T[], items: readonly T[]): void {
  for (const item of items) to.push(item);
}
