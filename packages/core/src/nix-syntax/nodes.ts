import type { SyntaxNode } from './syntax-tree.js';
import { calleeBeforeArgument, PLAIN_DOTTED } from './callee-source.js';
import { indentedString, PLAIN_ESCAPE, plainString, unescapePlain } from './strings.js';
import { fieldChild, fieldChildren, treeSource } from './tree-source.js';

/**
 * Small readers over tree-sitter-nix nodes. Positions are 1-based lines and columns; columns and
 * the `start`/`end` offsets count UTF-16 code units, so `source.slice(start, end)` in JavaScript
 * gives the node's text exactly (what an editing generator needs).
 */
export interface Span {
  start: number;
  end: number;
  line: number;
  col: number;
}

/** `end` is the node's end offset when the caller has already read it. */
export function spanOf(node: SyntaxNode, end: number = node.endIndex): Span {
  const s = node.startPosition;
  return { start: node.startIndex, end, line: s.row + 1, col: s.column + 1 };
}

/** Source text, cut to `max` characters (with a marker) so that records stay bounded. */
export function clip(text: string, max = 4000): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more characters]`;
}

/** A node with its type, read once and passed along rather than looked up again. */
export interface Typed {
  node: SyntaxNode;
  type: string;
}

/**
 * Strips parentheses: `((x))` -> `x`, with the type of what is inside. `type` is the node's own
 * type when the caller has already read it (the analysis reads each type once where it can).
 */
export function unparen(node: SyntaxNode, type: string = node.type): Typed {
  let n = node;
  let t = type;
  while (t === 'parenthesized_expression') {
    const inner = fieldChild(n, 'expression');
    if (!inner) break;
    n = inner;
    t = n.type;
  }
  return { node: n, type: t };
}

/** Strips parentheses: `((x))` -> `x`. */
export function stripParens(node: SyntaxNode): SyntaxNode {
  return unparen(node).node;
}

/**
 * The value of a string with no interpolation (`"..."` or `''...''`), else undefined. `type` and
 * `text` are the node's own when the caller has already read them.
 */
export function stringLiteral(node: SyntaxNode, type?: string, text?: string): string | undefined {
  const u = unparen(node, type);
  return stringLiteralOfType(u.node, u.type, u.node === node ? text : undefined);
}

/** `text` is the node's text when the caller has already read it (one slice of the source less). */
function stringLiteralOfType(n: SyntaxNode, type: string, text?: string): string | undefined {
  if (type !== 'string_expression' && type !== 'indented_string_expression') return undefined;
  const clean = treeSource(n).clean;
  const t = text ?? n.text;
  return type === 'string_expression' ? plainString(n, t, clean) : indentedString(n, t, clean);
}

/** One attribute name of an attrpath: identifiers and literal strings are static; `${..}` is dynamic. */
export function attrName(attr: SyntaxNode): { name: string; dynamic: boolean } {
  const type = attr.type;
  if (type === 'identifier') return { name: attr.text, dynamic: false };
  const lit = stringLiteral(attr, type);
  if (lit !== undefined) return { name: lit, dynamic: false };
  return { name: attr.text, dynamic: true };
}

/** One name of an attrpath written as an identifier or a `"…"` string without interpolation. */
const ATTR_SEGMENT = /([A-Za-z_][A-Za-z0-9_'-]*)|"((?:[^"\\$]|\\[\s\S]|\$(?!\{))*)"/y;

/** `a."b/c.json".d` read from its text; undefined for anything else (spaces, comments, `${`). */
function staticAttrPath(text: string): string[] | undefined {
  const out: string[] = [];
  for (let at = 0; ; at++) {
    ATTR_SEGMENT.lastIndex = at;
    const m = ATTR_SEGMENT.exec(text);
    if (!m) return undefined;
    out.push(m[1] ?? m[2]!.replace(PLAIN_ESCAPE, (esc) => unescapePlain(esc)));
    at = ATTR_SEGMENT.lastIndex;
    if (at === text.length) return out;
    if (text[at] !== '.') return undefined;
  }
}

/**
 * The names of an attribute path written with identifiers and `"…"` strings only, read from its
 * text alone; undefined when the text holds anything else (spaces, comments, `${`).
 */
export function staticAttrPathOfText(text: string): string[] | undefined {
  return PLAIN_DOTTED.test(text) ? text.split('.') : staticAttrPath(text);
}

/** The attribute names of an attrpath node (`a."b".${c}`). */
export function attrPath(attrpath: SyntaxNode): { path: string[]; dynamic: boolean } {
  // Most attribute paths are identifiers and plain strings: one text read instead of a node per name.
  const fromText = staticAttrPathOfText(attrpath.text);
  if (fromText) return { path: fromText, dynamic: false };
  const path: string[] = [];
  let dynamic = false;
  for (const a of fieldChildren(attrpath, 'attr')) {
    const r = attrName(a);
    path.push(r.name);
    dynamic ||= r.dynamic;
  }
  return { path, dynamic };
}

/**
 * Renders attribute names as Nix writes them: `a.b."c/d.json".${x}."${y}-z"`. A dynamic name is
 * its source text (attrName): `${x}`, or a `"…"` string holding an interpolation, kept as written.
 */
export function renderAttrPath(segments: readonly string[]): string {
  let out = '';
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (i > 0) out += '.';
    out += IDENTIFIER.test(s) || s.startsWith('${') || INTERPOLATED_STRING.test(s) ? s : JSON.stringify(s);
  }
  return out;
}

const INTERPOLATED_STRING = /^"[\s\S]*\$\{[\s\S]*"$/;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

/** The dotted name of a variable or select expression (`lib.mkOption`), else undefined. */
export function dottedName(node: SyntaxNode, knownType?: string): string | undefined {
  const { node: n, type } = unparen(node, knownType);
  if (type === 'variable_expression') return n.text;
  if (type !== 'select_expression') return undefined;
  // `lib.types.str` as written (no spaces, comments, `or` or quoted names): the text is the name.
  const text = n.text;
  if (PLAIN_DOTTED.test(text)) return text;
  if (!fieldChild(n, 'default')) {
    const base = dottedName(fieldChild(n, 'expression') ?? n);
    const ap = fieldChild(n, 'attrpath');
    if (base === undefined || !ap) return undefined;
    const p = attrPath(ap);
    return p.dynamic ? undefined : [base, ...p.path].join('.');
  }
  return undefined;
}

/** A curried call `f a b`: the function node (and its type) and its arguments in order. */
export function applyParts(node: SyntaxNode, knownType?: string): { fn: SyntaxNode; fnType: string; args: SyntaxNode[] } | undefined {
  let { node: n, type } = unparen(node, knownType);
  if (type !== 'apply_expression') return undefined;
  const args: SyntaxNode[] = [];
  while (type === 'apply_expression') {
    const arg = fieldChild(n, 'argument');
    const fn = fieldChild(n, 'function');
    if (!arg || !fn) return undefined;
    args.unshift(arg);
    ({ node: n, type } = unparen(fn));
    if (type === 'parenthesized_expression') return undefined; // `( )` with nothing inside
  }
  return { fn: n, fnType: type, args };
}

/** Last segment of a called function's name: `lib.mkOption {..}` -> `mkOption`. */
export function calleeName(node: SyntaxNode): string | undefined {
  return callOf(node)?.name;
}

/** A call `lib.f a b`: the last segment of the function's name and the arguments, in one pass. */
export function callOf(node: SyntaxNode, knownType?: string): { name: string; args: SyntaxNode[] } | undefined {
  let { node: n, type } = unparen(node, knownType);
  if (type !== 'apply_expression') return undefined;
  const src = treeSource(n);
  const args: SyntaxNode[] = [];
  // The same walk as applyParts, but each level first tries to read the function's name from the
  // source between the call's start and its argument, which spares fetching the function node.
  while (type === 'apply_expression') {
    const arg = fieldChild(n, 'argument');
    if (!arg) return undefined;
    const name = src.clean ? calleeBeforeArgument(src, n, arg) : undefined;
    if (name !== undefined) {
      args.unshift(arg);
      return { name, args };
    }
    const fn = fieldChild(n, 'function');
    if (!fn) return undefined;
    args.unshift(arg);
    ({ node: n, type } = unparen(fn));
    if (type === 'parenthesized_expression') return undefined; // `( )` with nothing inside
  }
  let name: string | undefined;
  if (type === 'variable_expression') name = n.text;
  else if (type === 'select_expression') name = dottedName(n, type)?.split('.').pop();
  return name === undefined ? undefined : { name, args };
}

/** A Nix literal as JSON, when the expression is one (string, number, bool, null, list of those). */
export type NixLiteral = string | number | boolean | null | NixLiteral[];

/** `knownType` and `knownText` are the node's own type and text when the caller has already read them. */
export function literalValue(node: SyntaxNode, depth = 0, knownType?: string, knownText?: string): { value: NixLiteral } | undefined {
  const { node: n, type } = unparen(node, knownType);
  const text = n === node ? knownText : undefined;
  const s = stringLiteralOfType(n, type, text);
  if (s !== undefined) return { value: s };
  switch (type) {
    case 'integer_expression':
      return { value: Number.parseInt(text ?? n.text, 10) };
    case 'float_expression':
      return { value: Number.parseFloat(text ?? n.text) };
    case 'unary_expression': {
      const arg = fieldChild(n, 'argument');
      const inner = arg && (text ?? n.text).startsWith('-') ? literalValue(arg, depth) : undefined;
      return typeof inner?.value === 'number' ? { value: -inner.value } : undefined;
    }
    case 'variable_expression': {
      const name = text ?? n.text;
      if (name === 'true' || name === 'false') return { value: name === 'true' };
      return name === 'null' ? { value: null } : undefined;
    }
    // An attribute's name standing for a value: mapAttrs' name parameter is bound to it (flake-names.ts).
    case 'identifier':
      return { value: text ?? n.text };
    case 'list_expression': {
      if (depth > 8) return undefined;
      const out: NixLiteral[] = [];
      for (const el of fieldChildren(n, 'element')) {
        const v = literalValue(el, depth + 1);
        if (!v) return undefined;
        out.push(v.value);
      }
      return { value: out };
    }
    default:
      return undefined;
  }
}

/**
 * `import <x>`, with or without arguments (`import ./x.nix args`, `(import ./x.nix) args`): `<x>`,
 * the first argument (read in one pass over the call). The one reader of an `import` call's
 * argument: importedFile for a plain path, the callers for what else they accept there.
 */
export function importArgument(node: SyntaxNode, knownType?: string): SyntaxNode | undefined {
  const call = callOf(node, knownType);
  return call?.name === 'import' ? call.args[0] : undefined;
}

/** `import ./hosts`, `import ./hosts { inherit inputs; }` or `(import ./hosts) inputs`: the path as written. */
export function importedFile(node: SyntaxNode, knownType?: string): string | undefined {
  const first = importArgument(node, knownType);
  const p = first ? pathLiteral(first) : undefined;
  return p && !p.dynamic ? p.text : undefined;
}

/** Path expressions (`./a.nix`, `../b`): the text, and whether it holds an interpolation. */
export function pathLiteral(node: SyntaxNode, knownType?: string): { text: string; dynamic: boolean } | undefined {
  const { node: n, type } = unparen(node, knownType);
  if (type !== 'path_expression') return undefined;
  const text = n.text;
  // A path fragment holds no `$`, so in a clean tree `${` in a path's text is an interpolation.
  const dynamic = treeSource(n).clean ? text.includes('${') : n.namedChildren.some((c) => c.type === 'interpolation');
  return { text, dynamic };
}
