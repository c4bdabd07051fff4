import type { Node } from 'web-tree-sitter';
import { callOf, clip, literalValue, pathLiteral, renderAttrPath, spanOf, stringLiteral, unparen, type NixLiteral, type Span } from './nodes.js';
import type { LexedValue } from './binding-source.js';
import { isLexedLeaf } from './peel.js';
import { tokenLiteral } from './value-source.js';
import { attrEntries, EMPTY_SCOPE, isAttrset, resolveTyped, unwrapBody, type AttrEntry, type Scope } from './scope.js';
import { innermostCallee } from './callee-source.js';
import { fieldChild, fieldChildren, treeSource } from './tree-source.js';
import { flattenSettings, unwrapValue, type NixSetting } from './values.js';

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

/** One entry of `imports = [ … ]`. */
export interface NixImportRef {
  kind: 'path' | 'string' | 'expression';
  /** Source text (`./a.nix`, `"${modulesPath}/x.nix"`, `inputs.hm.nixosModules.default`). */
  expr: string;
  /** For `path`/`string` kinds without interpolation: the path as written. */
  path?: string;
  dynamic: boolean;
  line: number;
  col: number;
}

export interface NixModuleFacts {
  /** `function` for `{ config, ... }: { … }`, `attrset` for a bare attrset. */
  form: 'function' | 'attrset';
  options: NixOptionDecl[];
  /** Attribute paths set under `config` (or at top level in the shorthand form). */
  config: NixSetting[];
  imports: NixImportRef[];
}

const OPTION_CONSTRUCTORS = new Set(['mkOption', 'mkEnableOption', 'mkPackageOption']);
/** Module attributes that are not configuration. */
const RESERVED = new Set(['imports', 'options', 'config', 'meta', '_file', 'key', 'disabledModules', '_class', 'freeformType']);

/** A file's value, read once and shared by the module and the flake readers. */
export interface TopLevel {
  form: 'function' | 'attrset';
  node: Node;
  scope: Scope;
  /** The attrset entries, when the value is an attrset. */
  entries: AttrEntry[] | undefined;
}

export function topLevelOf(top: Node, outer: Scope = EMPTY_SCOPE): TopLevel {
  const first = unparen(top);
  const form = first.type === 'function_expression' ? 'function' : 'attrset';
  const { node, scope, type } = unwrapBody(first.node, outer, first.type);
  return { form, node, scope, entries: isAttrset(node, type) ? attrEntries(node, type) : undefined };
}

/** Reads a file as a NixOS/Home Manager module, when its value is an attrset (else undefined). */
export function moduleFacts(root: Node): NixModuleFacts | undefined {
  const top = fieldChild(root, 'expression');
  return top ? moduleFactsFrom(topLevelOf(top)) : undefined;
}

/** The same reading for a module written inline (an element of a `modules` list). */
export function moduleFactsOf(top: Node, outer: Scope): NixModuleFacts | undefined {
  return moduleFactsFrom(topLevelOf(top, outer));
}

export function moduleFactsFrom(tl: TopLevel): NixModuleFacts | undefined {
  const { form, node, scope, entries } = tl;
  if (!entries) return undefined;
  const explicit = entries.some((e) => e.path[0] === 'config' || e.path[0] === 'options');
  const facts: NixModuleFacts = { form, options: [], config: [], imports: [] };
  for (const e of entries) {
    const head = e.path[0];
    if (!e.value || head === undefined) continue;
    if (head === 'options') collectOptions(e.value, scope, e.path.slice(1), e.node, facts.options);
    else if (head === 'imports' && e.path.length === 1) facts.imports.push(...importRefs(e.value, scope));
    else if (head === 'config') facts.config.push(...flattenSettings(e.value, scope, e.path.slice(1), { dynamic: e.dynamic, binding: e.node }));
  }
  if (!explicit) facts.config = flattenSettings(node, scope, [], { skip: (n) => RESERVED.has(n) });
  return facts;
}

const MAX_OPTION_DEPTH = 24;

function collectOptions(value: Node, scope: Scope, prefix: string[], binding: Node, out: NixOptionDecl[], depth = 0): void {
  if (depth > MAX_OPTION_DEPTH) return;
  const u = unwrapValue(value, scope);
  if (u.merge) {
    for (const p of u.merge) collectOptions(p, u.scope, prefix, binding, out, depth + 1);
    return;
  }
  if (u.type === 'apply_expression') {
    // Most calls under `options` are option constructors; anything else is skipped unread.
    const src = treeSource(u.node);
    const known = src.clean ? innermostCallee(src, u.node) : undefined;
    if (known !== undefined && !OPTION_CONSTRUCTORS.has(known)) return;
    const call = callOf(u.node, u.type);
    if (call && OPTION_CONSTRUCTORS.has(call.name) && prefix.length) {
      out.push(optionDecl(renderAttrPath(prefix), call.name as NixOptionDecl['declared_with'], call.args, u.scope, spanOf(binding)));
    }
    return;
  }
  // Entries are read one level deeper, where nothing is read past the depth limit.
  if ((u.type !== 'attrset_expression' && u.type !== 'rec_attrset_expression') || depth >= MAX_OPTION_DEPTH) return;
  for (const e of attrEntries(u.node, u.type)) {
    const path = prefix.concat(e.path);
    if (e.lexed && isLexedLeaf(e.lexed, u.scope) && lexedOption(path, e.lexed, out)) continue;
    if (e.value) collectOptions(e.value, u.scope, path, e.node, out, depth + 1);
  }
}

/**
 * What collectOptions makes of a value read from the source that unwrapValue leaves as it stands:
 * nothing, unless it calls an option constructor. `mkOption { … }` and `mkEnableOption "…"` with
 * their argument read from the source are read here; false leaves any other option call
 * (mkPackageOption, or an argument of another shape) to the node reading.
 */
function lexedOption(path: string[], v: LexedValue, out: NixOptionDecl[]): boolean {
  if (v.kind !== 'apply_expression' || !OPTION_CONSTRUCTORS.has(v.callee!)) return true;
  const arg = v.argument;
  if (v.callee === 'mkOption' && arg && 'bindings' in arg) {
    const decl = newDecl(renderAttrPath(path), 'mkOption', v.binding);
    for (const b of arg.bindings) readAttribute(decl, b.path, lexedAttribute(b.value, attributeKey(b.path)));
    out.push(decl);
    return true;
  }
  if (v.callee === 'mkEnableOption' && arg && 'string' in arg) {
    // A string read from the source has its literal value, or none when it interpolates.
    out.push(enableDecl(renderAttrPath(path), v.binding, arg.string.text, tokenLiteral(arg.string)?.value as string | undefined));
    return true;
  }
  return false;
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

function optionDecl(path: string, ctor: NixOptionDecl['declared_with'], args: Node[], scope: Scope, binding: Span): NixOptionDecl {
  if (ctor === 'mkEnableOption') {
    const text = args[0]?.text;
    return enableDecl(path, binding, text, args[0] ? stringLiteral(args[0], undefined, text) : undefined);
  }
  const decl = newDecl(path, ctor, binding);
  if (ctor === 'mkPackageOption') {
    decl.type = 'lib.types.package';
    if (args[1]) decl.default = clip(args[1].text);
  }
  const attrs = ctor === 'mkOption' ? args[0] : args[2];
  const set = attrs ? resolveTyped(attrs, scope) : undefined;
  if (!set || !isAttrset(set.node, set.type)) return decl;
  for (const e of attrEntries(set.node, set.type)) {
    const key = attributeKey(e.path);
    if (key) readAttribute(decl, e.path, e.lexed ? lexedAttribute(e.lexed, key) : nodeAttribute(e.value, key));
  }
  return decl;
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
  const isString = v.kind === 'string_expression' || v.kind === 'indented_string_expression';
  if (key === 'description' && isString) return { text: v.text, string: v.literal?.value as string | undefined };
  return { text: v.text };
}

/** From the node, reading only what the key needs; the text is read once (each read crosses into WASM). */
function nodeAttribute(value: Node | undefined, key: string): AttributeRead | undefined {
  if (!value) return undefined;
  const text = value.text;
  if (key === 'default') return { text, literal: literalValue(value, 0, undefined, text) };
  if (key === 'description') return { text, string: stringLiteral(value, undefined, text) };
  return { text };
}

/**
 * The elements of an `imports` list (`[ … ] ++ [ … ]` and let-bound lists are followed). A part
 * that is not a list literal (`map (n: ./. + "/${n}") names`, `lib.optional c ./x.nix`) is one
 * dynamic entry: leaving it out made a module that computes its imports look as if it had none.
 */
export function importRefs(value: Node, scope: Scope): NixImportRef[] {
  return importParts(value, scope, 0).map(importRef);
}

/** Like listElementsOf, but a part it cannot read is kept as itself (the node as written). */
function importParts(value: Node, scope: Scope, depth: number): Node[] {
  const { node: n, type } = resolveTyped(value, scope);
  if (type === 'list_expression') return fieldChildren(n, 'element');
  if (type === 'binary_expression' && fieldChild(n, 'operator')?.text === '++' && depth < 16) {
    const l = fieldChild(n, 'left');
    const r = fieldChild(n, 'right');
    return [...(l ? importParts(l, scope, depth + 1) : []), ...(r ? importParts(r, scope, depth + 1) : [])];
  }
  return [value];
}

/** Elements of a list expression, following `++` and variables bound in scope. */
export function listElements(value: Node, scope: Scope): Node[] {
  return listElementsOf(value, scope).elements;
}

/** Like listElements; `complete` is false when part of the list is not statically known. */
export function listElementsOf(value: Node, scope: Scope, depth = 0): { elements: Node[]; complete: boolean } {
  const { node: n, type } = resolveTyped(value, scope);
  if (type === 'list_expression') return { elements: fieldChildren(n, 'element'), complete: true };
  if (type === 'binary_expression' && fieldChild(n, 'operator')?.text === '++' && depth < 16) {
    const l = fieldChild(n, 'left');
    const r = fieldChild(n, 'right');
    const x = l ? listElementsOf(l, scope, depth + 1) : { elements: [], complete: false };
    const y = r ? listElementsOf(r, scope, depth + 1) : { elements: [], complete: false };
    return { elements: [...x.elements, ...y.elements], complete: x.complete && y.complete };
  }
  return { elements: [], complete: false };
}

function importRef(el: Node): NixImportRef {
  const { node: n, type } = unparen(el);
  const at = { line: n.startPosition.row + 1, col: n.startPosition.column + 1 };
  const p = pathLiteral(n, type);
  // pathLiteral reads the text of `n` itself (its type is known, so nothing is unwrapped).
  if (p) return { kind: 'path', expr: p.text, ...(p.dynamic ? {} : { path: p.text }), dynamic: p.dynamic, ...at };
  if (type === 'string_expression' || type === 'indented_string_expression') {
    const text = n.text;
    const s = stringLiteral(n, type, text);
    return { kind: 'string', expr: clip(text, 500), ...(s === undefined ? {} : { path: s }), dynamic: s === undefined, ...at };
  }
  return { kind: 'expression', expr: clip(n.text, 500), dynamic: true, ...at };
}
