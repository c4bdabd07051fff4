import type { Node } from 'web-tree-sitter';

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

export function spanOf(node: Node): Span {
  const s = node.startPosition;
  return { start: node.startIndex, end: node.endIndex, line: s.row + 1, col: s.column + 1 };
}

/** Source text, cut to `max` characters (with a marker) so that records stay bounded. */
export function clip(text: string, max = 4000): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} more characters]`;
}

/** A node with its type, read once: every accessor of a tree-sitter node crosses into WASM. */
export interface Typed {
  node: Node;
  type: string;
}

/**
 * Strips parentheses: `((x))` -> `x`, with the type of what is inside. `type` is the node's own
 * type when the caller has already read it (the analysis reads each type once where it can).
 */
export function unparen(node: Node, type: string = node.type): Typed {
  let n = node;
  let t = type;
  while (t === 'parenthesized_expression') {
    const inner = n.childForFieldName('expression');
    if (!inner) break;
    n = inner;
    t = n.type;
  }
  return { node: n, type: t };
}

/** Strips parentheses: `((x))` -> `x`. */
export function stripParens(node: Node): Node {
  return unparen(node).node;
}

/** The value of a string with no interpolation (`"..."` or `''...''`), else undefined. */
export function stringLiteral(node: Node, type?: string): string | undefined {
  const u = unparen(node, type);
  return stringLiteralOfType(u.node, u.type);
}

function stringLiteralOfType(n: Node, type: string): string | undefined {
  if (type === 'string_expression') return plainString(n);
  if (type === 'indented_string_expression') return indentedString(n);
  return undefined;
}

/**
 * The content of a `"…"` string in which every backslash escapes one character and nothing
 * interpolates: decoded from the node's text alone (one read instead of a node per fragment).
 * Anything else (an interpolation `${`) takes the node walk below.
 */
const SIMPLE_PLAIN = /^"((?:[^"\\$]|\\[\s\S]|\$(?!\{))*)"$/;
const PLAIN_ESCAPE = /\\([\s\S])/g;

function plainString(n: Node): string | undefined {
  const simple = SIMPLE_PLAIN.exec(n.text);
  if (simple) return simple[1]!.replace(PLAIN_ESCAPE, (esc) => unescapePlain(esc));
  let out = '';
  for (const c of n.namedChildren) {
    if (c.type === 'string_fragment') out += c.text;
    else if (c.type === 'escape_sequence') out += unescapePlain(c.text);
    else if (c.type === 'dollar_escape') continue; // `\${`: the grammar gives `\` here and `$` as a fragment
    else return undefined; // interpolation: not a literal
  }
  return out;
}

function unescapePlain(esc: string): string {
  const ch = esc.slice(1);
  if (ch === 'n') return '\n';
  if (ch === 't') return '\t';
  if (ch === 'r') return '\r';
  return ch;
}

/** A `''…''` string with no `''` escape and no `${` inside: its content is the raw text. */
const SIMPLE_INDENTED = /^''((?:[^'$]|'(?!')|\$(?!\{))*)''$/;

/** `''...''` strings: escapes decoded, then the common indentation removed as Nix does. */
function indentedString(n: Node): string | undefined {
  const simple = SIMPLE_INDENTED.exec(n.text);
  if (simple) return stripIndentation(simple[1]!);
  let raw = '';
  for (const c of n.namedChildren) {
    if (c.type === 'string_fragment') raw += c.text;
    else if (c.type === 'dollar_escape') continue; // `''${`: the grammar gives `''` here and `$` as a fragment
    else if (c.type === 'escape_sequence') raw += unescapeIndented(c.text);
    else return undefined;
  }
  return stripIndentation(raw);
}

function unescapeIndented(esc: string): string {
  if (esc === "'''") return "''";
  if (esc === "''$") return '$';
  if (esc.startsWith("''\\")) return unescapePlain(esc.slice(2));
  return esc;
}

function stripIndentation(raw: string): string {
  const lines = raw.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indents.length ? Math.min(...indents) : 0;
  const out = lines.map((l) => (l.trim() === '' ? l.replace(/^[ \t]+$/, '') : l.slice(cut)));
  if (out.length > 1 && out[0] === '') out.shift();
  const last = out.length - 1;
  if (last > 0 && /^[ \t]*$/.test(out[last]!)) out[last] = '';
  return out.join('\n');
}

/** One attribute name of an attrpath: identifiers and literal strings are static; `${..}` is dynamic. */
export function attrName(attr: Node): { name: string; dynamic: boolean } {
  const type = attr.type;
  if (type === 'identifier') return { name: attr.text, dynamic: false };
  const lit = stringLiteral(attr, type);
  if (lit !== undefined) return { name: lit, dynamic: false };
  return { name: attr.text, dynamic: true };
}

/** The attribute names of an attrpath node (`a."b".${c}`). */
/** `a.b-c.d'`: identifiers only, so that the text alone gives the names (no node walk). */
const PLAIN_DOTTED = /^[A-Za-z_][A-Za-z0-9_'-]*(?:\.[A-Za-z_][A-Za-z0-9_'-]*)*$/;

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

export function attrPath(attrpath: Node): { path: string[]; dynamic: boolean } {
  // Most attribute paths are identifiers and plain strings: one text read instead of a node per name.
  const text = attrpath.text;
  if (PLAIN_DOTTED.test(text)) return { path: text.split('.'), dynamic: false };
  const fromText = staticAttrPath(text);
  if (fromText) return { path: fromText, dynamic: false };
  const path: string[] = [];
  let dynamic = false;
  for (const a of attrpath.childrenForFieldName('attr')) {
    const r = attrName(a);
    path.push(r.name);
    dynamic ||= r.dynamic;
  }
  return { path, dynamic };
}

/** Renders attribute names as Nix writes them: `a.b."c/d.json".${x}`. */
export function renderAttrPath(segments: readonly string[]): string {
  return segments.map((s) => (/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(s) || s.startsWith('${') ? s : JSON.stringify(s))).join('.');
}

/** The dotted name of a variable or select expression (`lib.mkOption`), else undefined. */
export function dottedName(node: Node, knownType?: string): string | undefined {
  const { node: n, type } = unparen(node, knownType);
  if (type === 'variable_expression') return n.text;
  if (type !== 'select_expression') return undefined;
  // `lib.types.str` as written (no spaces, comments, `or` or quoted names): the text is the name.
  const text = n.text;
  if (PLAIN_DOTTED.test(text)) return text;
  if (!n.childForFieldName('default')) {
    const base = dottedName(n.childForFieldName('expression') ?? n);
    const ap = n.childForFieldName('attrpath');
    if (base === undefined || !ap) return undefined;
    const p = attrPath(ap);
    return p.dynamic ? undefined : [base, ...p.path].join('.');
  }
  return undefined;
}

/** A curried call `f a b`: the function node (and its type) and its arguments in order. */
export function applyParts(node: Node, knownType?: string): { fn: Node; fnType: string; args: Node[] } | undefined {
  let { node: n, type } = unparen(node, knownType);
  if (type !== 'apply_expression') return undefined;
  const args: Node[] = [];
  while (type === 'apply_expression') {
    const arg = n.childForFieldName('argument');
    const fn = n.childForFieldName('function');
    if (!arg || !fn) return undefined;
    args.unshift(arg);
    ({ node: n, type } = unparen(fn));
    if (type === 'parenthesized_expression') return undefined; // `( )` with nothing inside
  }
  return { fn: n, fnType: type, args };
}

/** Last segment of a called function's name: `lib.mkOption {..}` -> `mkOption`. */
export function calleeName(node: Node): string | undefined {
  return callOf(node)?.name;
}

/** A call `lib.f a b`: the last segment of the function's name and the arguments, in one pass. */
export function callOf(node: Node, knownType?: string): { name: string; args: Node[] } | undefined {
  const parts = applyParts(node, knownType);
  if (!parts) return undefined;
  const { fn, fnType: type } = parts;
  let name: string | undefined;
  if (type === 'variable_expression') name = fn.text;
  else if (type === 'select_expression') name = dottedName(fn, type)?.split('.').pop();
  return name === undefined ? undefined : { name, args: parts.args };
}

/** A Nix literal as JSON, when the expression is one (string, number, bool, null, list of those). */
export type NixLiteral = string | number | boolean | null | NixLiteral[];

export function literalValue(node: Node, depth = 0, knownType?: string): { value: NixLiteral } | undefined {
  const { node: n, type } = unparen(node, knownType);
  const s = stringLiteralOfType(n, type);
  if (s !== undefined) return { value: s };
  switch (type) {
    case 'integer_expression':
      return { value: Number.parseInt(n.text, 10) };
    case 'float_expression':
      return { value: Number.parseFloat(n.text) };
    case 'unary_expression': {
      const arg = n.childForFieldName('argument');
      const inner = arg && n.text.startsWith('-') ? literalValue(arg, depth) : undefined;
      return typeof inner?.value === 'number' ? { value: -inner.value } : undefined;
    }
    case 'variable_expression': {
      const name = n.text;
      if (name === 'true' || name === 'false') return { value: name === 'true' };
      return name === 'null' ? { value: null } : undefined;
    }
    case 'list_expression': {
      if (depth > 8) return undefined;
      const out: NixLiteral[] = [];
      for (const el of n.childrenForFieldName('element')) {
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

/** Path expressions (`./a.nix`, `../b`): the text, and whether it holds an interpolation. */
export function pathLiteral(node: Node, knownType?: string): { text: string; dynamic: boolean } | undefined {
  const { node: n, type } = unparen(node, knownType);
  if (type !== 'path_expression') return undefined;
  return { text: n.text, dynamic: n.namedChildren.some((c) => c.type === 'interpolation') };
}
