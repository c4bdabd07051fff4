import type { SyntaxNode } from './syntax-tree.js';
import { callOf, clip, literalValue, renderAttrPath, spanOf, stringLiteral, unparen, type NixLiteral, type Span } from './nodes.js';
import type { LexedValue } from './binding-source.js';
import { isLexedLeaf } from './peel.js';
import { tokenLiteral } from './value-source.js';
import { attrEntries, EMPTY_SCOPE, entryAt, entryValue, isAttrset, resolveTyped, unwrapBody, type AttrEntry, type Scope } from './scope.js';
import type { SourceEntry } from './entries.js';
import { DOC_WRAPPER, docArgument } from './option-sources.js';
import { innermostCallee } from './callee-source.js';
import { fieldChild, treeSource } from './tree-source.js';
import { flattenSettings, type NixComputedConfig, type NixSetting } from './settings.js';
import { unwrapValue, updateOperands, type Unwrapped } from './unwrap-value.js';
import { expansionOf, type Expansion } from './expansion.js';
import { importRefs, type NixImportRef } from './module-imports.js';
import type { HomeHandovers, NixHomeModuleRef } from './home-modules.js';
import type { FlakeArgs } from './flake-args.js';

export { importRefs, listElements, listElementsOf, type NixImportRef } from './module-imports.js';
export type { NixHomeModuleRef } from './home-modules.js';

/** An option declared with `mkOption`, `mkEnableOption` or `mkPackageOption` under `options.`. */
export interface NixOptionDecl {
  /** Option path without the leading `options.` (`autopoietic.identity.host`). */
  path: string;
  declared_with: 'mkOption' | 'mkEnableOption' | 'mkPackageOption';
  /** Source text of `type`, `default`, `description`, `example`; for mkEnableOption the implied bool/false. */
  type: string | null;
  default: string | null;
  description: string | null;
  example: string | null;
  /** `default` as JSON when it is a Nix literal. */
  default_value?: NixLiteral;
  /** `description` as text when it is a string literal. */
  description_value?: string;
  binding: Span;
}

/**
 * A value under `options.` that declares options a static reader cannot list: a call other than an
 * option constructor (`lib.genAttrs [ "a" "b" ] (n: mkOption { … })`, `import ./opts.nix { }`, a
 * helper), or a name it cannot follow. Kept so that a module computing its options does not look
 * as if it declared none.
 */
export interface NixComputedOptions {
  /** Where under `options.` (as in NixOptionDecl.path); `` when all of `options` is computed. */
  path: string;
  /** Source text of the value (clipped to 300 characters). */
  expr: string;
  line: number;
}

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

const OPTION_CONSTRUCTORS = new Set(['mkOption', 'mkEnableOption', 'mkPackageOption']);
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

const MAX_OPTION_DEPTH = 24;

type OptionsOut = Pick<NixModuleFacts, 'options' | 'computed_options'>;

function collectOptions(value: SyntaxNode, scope: Scope, prefix: string[], binding: SyntaxNode, out: OptionsOut, depth = 0, walk = expansionOf(value)): void {
  if (depth > MAX_OPTION_DEPTH) return;
  const u = unwrapValue(value, scope);
  // Entries are read one level deeper, where nothing is read past the depth limit.
  const enterable = (u.merge !== undefined || isAttrset(u.node, u.type)) && depth < MAX_OPTION_DEPTH;
  if (enterable && !walk.enter(u.node)) {
    // A value that holds itself (`a = { x = a; }`), or one past the budget: as written, unread.
    computed(out, prefix, value.text, spanOf(binding).line);
    return;
  }
  try {
    if (u.merge) for (const p of u.merge) collectOptions(p, u.scope, prefix, binding, out, depth + 1, walk);
    else if (u.type === 'apply_expression') optionCall(u, prefix, binding, out);
    else if (enterable) optionEntries(u, prefix, out, depth, walk);
    else if (u.type !== 'binary_expression' || !updatedOption(u, prefix, binding, out)) {
      // A name, a select, `if … then … else …`, any other update: only evaluation can list what
      // it declares, and leaving it out would make the module look as if it declared nothing.
      computed(out, prefix, u.node.text, spanOf(binding).line);
    }
  } finally {
    if (enterable) walk.leave(u.node);
  }
}

/** Most calls under `options` are option constructors; anything else is kept as computed. */
function optionCall(u: Unwrapped, prefix: string[], binding: SyntaxNode, out: OptionsOut): void {
  const src = treeSource(u.node);
  const known = src.clean ? innermostCallee(src, u.node) : undefined;
  const call = known === undefined || OPTION_CONSTRUCTORS.has(known) ? callOf(u.node, u.type) : undefined;
  if (call && OPTION_CONSTRUCTORS.has(call.name)) {
    if (prefix.length) out.options.push(optionDecl(renderAttrPath(prefix), call.name as NixOptionDecl['declared_with'], call.args, u.scope, spanOf(binding)));
  } else {
    computed(out, prefix, u.node.text, spanOf(binding).line);
  }
}

function optionEntries(u: Unwrapped, prefix: string[], out: OptionsOut, depth: number, walk: Expansion): void {
  const entries = attrEntries(u.node, u.type);
  walk.spend(entries.length);
  for (const e of entries) {
    const path = prefix.concat(e.path);
    if (e.lexed && isLexedLeaf(e.lexed, u.scope) && lexedOption(path, e.lexed, out)) continue;
    // `inherit enable;` names a binding in scope (`let enable = mkEnableOption "x"; in`).
    const value = entryValue(e, u.scope);
    if (value) collectOptions(value, u.scope, path, entryAt(e), out, depth + 1, walk);
    else computed(out, path, inheritText(e), spanOf(entryAt(e)).line);
  }
}

/** `inherit x` or `inherit (s) x`, for an inherited name whose value is not read. */
function inheritText(e: AttrEntry): string {
  return `inherit ${e.inheritFrom === undefined ? '' : `(${e.inheritFrom}) `}${e.path.join('.')}`;
}

/**
 * `mkEnableOption "x" // { default = true; }`, as personal configurations write an enable option
 * that is on unless turned off: an option constructor's declaration, updated with attrsets
 * written out (`//` binds to the right, each later one wins). Their `type`, `default`,
 * `description` and `example` replace the constructor's. False when the value has any other
 * shape (a call that is not a constructor, an operand that is not an attrset, a computed name).
 */
function updatedOption(u: Unwrapped, prefix: string[], binding: SyntaxNode, out: OptionsOut): boolean {
  const operands: SyntaxNode[] = [];
  if (!updateOperands(u.node, u.scope, operands, 0) || !prefix.length) return false;
  const [first, ...updates] = operands;
  const call = first && callOf(first);
  if (!call || !OPTION_CONSTRUCTORS.has(call.name)) return false;
  const sets = updates.map((n) => resolveTyped(n, u.scope));
  if (!sets.every((t) => isAttrset(t.node, t.type))) return false;
  const entries = sets.flatMap((t) => attrEntries(t.node, t.type));
  if (entries.some((e) => e.dynamic)) return false;
  const decl = optionDecl(renderAttrPath(prefix), call.name as NixOptionDecl['declared_with'], call.args, u.scope, spanOf(binding));
  for (const e of entries) {
    const key = attributeKey(e.path);
    if (!key) continue;
    // What the constructor implied no longer holds, whether or not the new value is a literal.
    if (key === 'default') delete decl.default_value;
    if (key === 'description') delete decl.description_value;
    decl[key] = null;
    readEntry(decl, e, key);
  }
  out.options.push(decl);
  return true;
}

/**
 * What collectOptions makes of a value read from the source that unwrapValue leaves as it stands:
 * nothing, unless it calls an option constructor. `mkOption { … }` and `mkEnableOption "…"` with
 * their argument read from the source are read here; false leaves any other option call
 * (mkPackageOption, or an argument of another shape) to the node reading.
 */
function lexedOption(path: string[], v: LexedValue, out: OptionsOut): boolean {
  if (v.kind === 'apply_expression' ? !OPTION_CONSTRUCTORS.has(v.callee!) : v.kind === 'variable_expression' || v.kind === 'select_expression') {
    computed(out, path, v.text, v.binding.line);
    return true;
  }
  if (v.kind !== 'apply_expression') return true;
  const arg = v.argument;
  if (v.callee === 'mkOption' && arg && 'bindings' in arg) {
    const decl = newDecl(renderAttrPath(path), 'mkOption', v.binding);
    for (const b of arg.bindings) readAttribute(decl, b.path, lexedAttribute(b.value, attributeKey(b.path)));
    out.options.push(decl);
    return true;
  }
  if (v.callee === 'mkEnableOption' && arg && 'string' in arg) {
    // A string read from the source has its literal value, or none when it interpolates.
    out.options.push(enableDecl(renderAttrPath(path), v.binding, arg.string.text, tokenLiteral(arg.string)?.value as string | undefined));
    return true;
  }
  return false;
}

/** Records a value under `options.` that declares options computed (see NixComputedOptions). */
function computed(out: OptionsOut, path: string[], text: string, line: number): void {
  out.computed_options.push({ path: renderAttrPath(path), expr: clip(text, 300), line });
}

function newDecl(path: string, ctor: NixOptionDecl['declared_with'], binding: Span): NixOptionDecl {
  return { path, declared_with: ctor, type: null, default: null, description: null, example: null, binding };
}

/** `mkEnableOption "…"`: the implied type and default, and the description it words. */
function enableDecl(path: string, binding: Span, text: string | undefined, description: string | undefined): NixOptionDecl {
  const decl = newDecl(path, 'mkEnableOption', binding);
  decl.type = 'lib.types.bool';
  decl.default = 'false';
  decl.default_value = false;
  if (text !== undefined) decl.description = clip(text);
  if (description !== undefined) decl.description_value = `Whether to enable ${description}.`;
  return decl;
}

function optionDecl(path: string, ctor: NixOptionDecl['declared_with'], args: SyntaxNode[], scope: Scope, binding: Span): NixOptionDecl {
  if (ctor === 'mkEnableOption') {
    const arg = args[0];
    const text = arg?.text;
    return enableDecl(path, binding, text, arg ? (stringLiteral(arg, undefined, text) ?? docArgument(arg, text!)) : undefined);
  }
  if (ctor === 'mkPackageOption') return packageDecl(path, args, scope, binding);
  const decl = newDecl(path, ctor, binding);
  const set = args[0] ? resolveTyped(args[0], scope) : undefined;
  if (!set || !isAttrset(set.node, set.type)) return decl;
  for (const e of attrEntries(set.node, set.type)) {
    const key = attributeKey(e.path);
    if (key) readEntry(decl, e, key);
  }
  return decl;
}

/**
 * `mkPackageOption pkgs "jq" { … }` as nixpkgs' lib/options.nix builds it: the name (or
 * `default`, when given) is an attribute path in the package set, not a value, so the option's
 * default is `pkgs.jq`, shown as its defaultText `<pkgsText>.<path>` (pkgsText is "pkgs" unless
 * given); it has no `default_value` (a package is no literal), except `default = null` with
 * `nullable = true`, whose default is null (without nullable, `default = null` means no default).
 * A name or default that is not a literal string or list of strings keeps its source text. The
 * description is nixpkgs' "The <name> package to use." and `extraDescription`; a list `example`
 * is an attribute path too, a string one the expression text it holds.
 */
function packageDecl(path: string, args: SyntaxNode[], scope: Scope, binding: Span): NixOptionDecl {
  const decl = newDecl(path, 'mkPackageOption', binding);
  const given = new Map<string, SyntaxNode>();
  const set = args[2] ? resolveTyped(args[2], scope) : undefined;
  if (set && isAttrset(set.node, set.type)) for (const e of attrEntries(set.node, set.type)) if (e.value && e.path.length === 1 && !e.dynamic) given.set(e.path[0]!, e.value);
  const literal = (key: string): NixLiteral | undefined => {
    const v = given.get(key);
    return v ? literalValue(v)?.value : undefined;
  };
  const pkgsText = typeof literal('pkgsText') === 'string' ? (literal('pkgsText') as string) : 'pkgs';
  const nullable = literal('nullable') === true;
  decl.type = nullable ? 'lib.types.nullOr lib.types.package' : 'lib.types.package';
  const defaultNode = given.get('default') ?? args[1];
  const defaultLiteral = defaultNode ? literalValue(defaultNode)?.value : undefined;
  if (defaultLiteral === null) {
    if (nullable) {
      decl.default = 'null';
      decl.default_value = null;
    }
  } else if (defaultNode) {
    const attr = attributePath(defaultLiteral);
    decl.default = attr ? `${pkgsText}.${attr}` : clip(defaultNode.text);
  }
  const name = args[1] ? literalValue(args[1])?.value : undefined;
  const shown = typeof name === 'string' ? name : Array.isArray(name) ? name.at(-1) : undefined;
  const extra = given.has('extraDescription') ? literal('extraDescription') : '';
  if (typeof shown === 'string' && typeof extra === 'string') decl.description_value = `The ${shown} package to use.${extra === '' ? '' : ` ${extra}`}`;
  const example = given.get('example');
  const exampleLiteral = example ? literalValue(example)?.value : undefined;
  if (example && exampleLiteral !== null) {
    const attr = Array.isArray(exampleLiteral) ? attributePath(exampleLiteral) : undefined;
    decl.example = attr ? `${pkgsText}.${attr}` : typeof exampleLiteral === 'string' ? clip(exampleLiteral) : clip(example.text);
  }
  return decl;
}

/** An attribute path given as a string or a list of strings, rendered as nixpkgs' showAttrPath does. */
function attributePath(v: NixLiteral | undefined): string | undefined {
  const path = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(path) || !path.length || !path.every((p): p is string => typeof p === 'string')) return undefined;
  return renderAttrPath(path);
}

/** Records an entry of an option's attrset whose key is read (see readAttribute). */
function readEntry(decl: NixOptionDecl, e: AttrEntry & { lexed?: LexedValue | undefined }, key: AttributeKey): void {
  readAttribute(decl, e.path, e.lexed ? lexedAttribute(e.lexed, key) : nodeAttribute(e.value, key));
}

type AttributeKey = 'type' | 'default' | 'description' | 'example';

function attributeKey(path: string[]): AttributeKey | undefined {
  const key = path.length === 1 ? path[0] : undefined;
  return key === 'type' || key === 'default' || key === 'description' || key === 'example' ? key : undefined;
}

/** Records one attribute of an option's attrset (`type = …;` & co.; others are ignored). */
function readAttribute(decl: NixOptionDecl, path: string[], read: AttributeRead | undefined): void {
  const key = attributeKey(path);
  if (!key || !read) return;
  decl[key] = clip(read.text);
  if (key === 'default' && read.literal) decl.default_value = read.literal.value;
  if (key === 'description' && typeof read.string === 'string') decl.description_value = read.string;
}

/** An option attribute's text, its value as a literal, and as a string literal. */
interface AttributeRead {
  text: string;
  literal?: { value: NixLiteral } | undefined;
  string?: string | undefined;
}

/** From the source (see binding-source.ts), reading only what the key needs: only strings can be string literals. */
function lexedAttribute(v: LexedValue, key: AttributeKey | undefined): AttributeRead {
  if (key === 'default') return { text: v.text, literal: v.literal };
  if (key !== 'description') return { text: v.text };
  if (v.kind === 'string_expression' || v.kind === 'indented_string_expression') return { text: v.text, string: v.literal?.value as string | undefined };
  // `lib.mdDoc "…"`, read with its string argument (see callWithArgument).
  const arg = v.kind === 'apply_expression' && v.callee === DOC_WRAPPER ? v.argument : undefined;
  return { text: v.text, string: arg && 'string' in arg ? (tokenLiteral(arg.string)?.value as string | undefined) : undefined };
}

/** From the node, reading only what the key needs; the text is read once (each read slices the source anew). */
function nodeAttribute(value: SyntaxNode | undefined, key: string): AttributeRead | undefined {
  if (!value) return undefined;
  const text = value.text;
  if (key === 'default') return { text, literal: literalValue(value, 0, undefined, text) };
  if (key === 'description') return { text, string: stringLiteral(value, undefined, text) ?? docArgument(value, text) };
  return { text };
}
