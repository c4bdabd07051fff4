import type { Node } from 'web-tree-sitter';
import { callOf, clip, literalValue, pathLiteral, renderAttrPath, spanOf, stringLiteral, unparen, type NixLiteral, type Span } from './nodes.js';
import { attrEntries, EMPTY_SCOPE, isAttrset, resolveTyped, unwrapBody, type AttrEntry, type Scope } from './scope.js';
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
  return { form, node, scope, entries: isAttrset(node, type) ? attrEntries(node) : undefined };
}

/** Reads a file as a NixOS/Home Manager module, when its value is an attrset (else undefined). */
export function moduleFacts(root: Node): NixModuleFacts | undefined {
  const top = root.childForFieldName('expression');
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

function collectOptions(value: Node, scope: Scope, prefix: string[], binding: Node, out: NixOptionDecl[], depth = 0): void {
  if (depth > 24) return;
  const u = unwrapValue(value, scope);
  if (u.merge) {
    for (const p of u.merge) collectOptions(p, u.scope, prefix, binding, out, depth + 1);
    return;
  }
  if (u.type === 'apply_expression') {
    const call = callOf(u.node, u.type);
    if (call && OPTION_CONSTRUCTORS.has(call.name) && prefix.length) {
      out.push(optionDecl(renderAttrPath(prefix), call.name as NixOptionDecl['declared_with'], call.args, u.scope, binding));
    }
    return;
  }
  if (u.type !== 'attrset_expression' && u.type !== 'rec_attrset_expression') return;
  for (const e of attrEntries(u.node)) {
    if (e.value) collectOptions(e.value, u.scope, [...prefix, ...e.path], e.node, out, depth + 1);
  }
}

function optionDecl(path: string, ctor: NixOptionDecl['declared_with'], args: Node[], scope: Scope, binding: Node): NixOptionDecl {
  const decl: NixOptionDecl = { path, declared_with: ctor, type: null, default: null, description: null, example: null, binding: spanOf(binding) };
  if (ctor === 'mkEnableOption') {
    decl.type = 'lib.types.bool';
    decl.default = 'false';
    decl.default_value = false;
    if (args[0]) decl.description = clip(args[0].text);
    const d = args[0] ? stringLiteral(args[0]) : undefined;
    if (d !== undefined) decl.description_value = `Whether to enable ${d}.`;
    return decl;
  }
  if (ctor === 'mkPackageOption') {
    decl.type = 'lib.types.package';
    if (args[1]) decl.default = clip(args[1].text);
  }
  const attrs = ctor === 'mkOption' ? args[0] : args[2];
  const set = attrs ? resolveTyped(attrs, scope) : undefined;
  if (!set || !isAttrset(set.node, set.type)) return decl;
  for (const e of attrEntries(set.node)) {
    const key = e.path.length === 1 ? e.path[0] : undefined;
    if (!e.value || (key !== 'type' && key !== 'default' && key !== 'description' && key !== 'example')) continue;
    decl[key] = clip(e.value.text);
    if (key === 'default') {
      const lit = literalValue(e.value);
      if (lit) decl.default_value = lit.value;
    }
    if (key === 'description') {
      const d = stringLiteral(e.value);
      if (d !== undefined) decl.description_value = d;
    }
  }
  return decl;
}

/** The elements of an `imports` list (`[ … ] ++ [ … ]` and let-bound lists are followed). */
export function importRefs(value: Node, scope: Scope): NixImportRef[] {
  const out: NixImportRef[] = [];
  for (const el of listElements(value, scope)) out.push(importRef(el));
  return out;
}

/** Elements of a list expression, following `++` and variables bound in scope. */
export function listElements(value: Node, scope: Scope): Node[] {
  return listElementsOf(value, scope).elements;
}

/** Like listElements; `complete` is false when part of the list is not statically known. */
export function listElementsOf(value: Node, scope: Scope, depth = 0): { elements: Node[]; complete: boolean } {
  const { node: n, type } = resolveTyped(value, scope);
  if (type === 'list_expression') return { elements: n.childrenForFieldName('element'), complete: true };
  if (type === 'binary_expression' && n.childForFieldName('operator')?.text === '++' && depth < 16) {
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
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
  if (p) return { kind: 'path', expr: n.text, ...(p.dynamic ? {} : { path: p.text }), dynamic: p.dynamic, ...at };
  if (type === 'string_expression' || type === 'indented_string_expression') {
    const s = stringLiteral(n, type);
    return { kind: 'string', expr: clip(n.text, 500), ...(s === undefined ? {} : { path: s }), dynamic: s === undefined, ...at };
  }
  return { kind: 'expression', expr: clip(n.text, 500), dynamic: true, ...at };
}
