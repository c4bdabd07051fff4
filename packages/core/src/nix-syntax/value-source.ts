import { DOTTED_NAME_SOURCE, hasKeywordSegment } from './callee-source.js';
import type { NixLiteral } from './nodes.js';
import { decodePlain, SIMPLE_INDENTED_SOURCE, SIMPLE_PLAIN_SOURCE, stripIndentation } from './strings.js';

/**
 * Values read as tokens from the source (see binding-source.ts for when this is sound): each
 * reader matches one expression that is written as one token, or as a few tokens whose extent the
 * characters alone decide, and says what the expression's node would give: its type, its text and
 * its value as a literal.
 */

/** The value kinds read from the source; any other value is read from its node. */
export type LexedKind =
  | 'string_expression'
  | 'indented_string_expression'
  | 'integer_expression'
  | 'variable_expression'
  | 'select_expression'
  | 'apply_expression'
  | 'list_expression';

/**
 * Simple interpolations only: `${`, then no brace, quote, backslash, `#` or `/` (so no nested
 * string, attrset or comment can hold the `}`), then `}`.
 */
const SIMPLE_INTERPOLATION = String.raw`\$\{[^{}"'\\#/]*\}`;
const PLAIN_AT = new RegExp(SIMPLE_PLAIN_SOURCE, 'y');
const PLAIN_INTERPOLATED_AT = new RegExp(String.raw`"(?:[^"\\$]|\$(?!\{)|${SIMPLE_INTERPOLATION})*"`, 'y');
const INDENTED_AT = new RegExp(SIMPLE_INDENTED_SOURCE, 'y');
const INDENTED_INTERPOLATED_AT = new RegExp(String.raw`''(?:[^'$]|'(?!')|\$(?!\{)|${SIMPLE_INTERPOLATION})*''`, 'y');
const INTEGER_AT = /[0-9]+/y;
const DOTTED_AT = new RegExp(DOTTED_NAME_SOURCE, 'y');

export interface Token {
  kind: LexedKind;
  text: string;
  /** Where the token ends (an offset into the text it was read from). */
  end: number;
  /** For a string without interpolation: what lies between the quotes, escapes not decoded. */
  content?: string;
  /** For a literal list: the values of its elements. */
  elements?: NixLiteral[];
  /** For a call: the last segment of the called name (`toJSON` in `builtins.toJSON x`). */
  callee?: string;
}

/** The expression that starts at `at`, when it is one of the kinds read here. */
export function valueToken(text: string, at: number): Token | undefined {
  const c = text.charAt(at);
  if (c === '"') return plainStringToken(text, at);
  if (c === "'") return indentedStringToken(text, at);
  if (c === '[') return listToken(text, at);
  const integer = match(INTEGER_AT, text, at);
  if (integer) return { kind: 'integer_expression', text: integer[0], end: INTEGER_AT.lastIndex };
  const call = match(CALL_AT, text, at);
  if (call) return hasKeywordSegment(call[0]) ? undefined : { kind: 'apply_expression', text: call[0], end: CALL_AT.lastIndex, callee: lastName(call[1]!) };
  const dotted = match(DOTTED_AT, text, at);
  if (!dotted || hasKeywordSegment(dotted[0])) return undefined;
  const name = dotted[0];
  return { kind: name.includes('.') ? 'select_expression' : 'variable_expression', text: name, end: DOTTED_AT.lastIndex };
}

/**
 * The token's value as a Nix literal, as literalValue reads it from the node (undefined when it
 * is none); decoded only when asked for, as most tokens read are not literals anyone reads.
 */
export function tokenLiteral(t: Token): { value: NixLiteral } | undefined {
  switch (t.kind) {
    case 'string_expression':
      return t.content === undefined ? undefined : { value: decodePlain(t.content) };
    case 'indented_string_expression':
      return t.content === undefined ? undefined : { value: stripIndentation(t.content) };
    case 'integer_expression':
      return { value: Number.parseInt(t.text, 10) };
    case 'variable_expression':
      return nameLiteral(t.text);
    case 'list_expression':
      return { value: t.elements! };
    default:
      return undefined;
  }
}

/** `true`, `false` and `null` are variables whose literal value literalValue knows. */
function nameLiteral(name: string): { value: NixLiteral } | undefined {
  if (name === 'true' || name === 'false') return { value: name === 'true' };
  return name === 'null' ? { value: null } : undefined;
}

/**
 * Dotted names separated by whitespace (`builtins.toJSON cfg.x`; group 1 is the function): with
 * no keyword among them, only an application.
 */
const CALL_AT = new RegExp(`(${DOTTED_NAME_SOURCE})(?:[ \\t\\r\\n]+${DOTTED_NAME_SOURCE})+`, 'y');

function lastName(dotted: string): string {
  return dotted.slice(dotted.lastIndexOf('.') + 1);
}

/** One element of a literal list, then whitespace or the closing bracket. */
const LIST_ELEMENT_END = /(?=[ \t\r\n\]])/y;
const LIST_SPACE = /[ \t\r\n]*/y;

/**
 * `[ "a" 1 true ]`: a list whose elements are all literals written as one token each (simple
 * `"…"` strings, integers, `true`, `false`, `null`), separated by whitespace. Lists do not apply
 * functions, so each token is one element, and the literal is the list of their values.
 */
function listToken(text: string, at: number): Token | undefined {
  const values: NixLiteral[] = [];
  let i = at + 1;
  for (;;) {
    LIST_SPACE.lastIndex = i;
    LIST_SPACE.test(text);
    i = LIST_SPACE.lastIndex;
    if (text.charAt(i) === ']') break;
    const element = listElement(text, i);
    if (!element) return undefined;
    LIST_ELEMENT_END.lastIndex = element.end;
    if (!LIST_ELEMENT_END.test(text)) return undefined;
    values.push(element.value);
    i = element.end;
  }
  return { kind: 'list_expression', text: text.slice(at, i + 1), end: i + 1, elements: values };
}

function listElement(text: string, at: number): { value: NixLiteral; end: number } | undefined {
  const s = match(PLAIN_AT, text, at);
  if (s) return { value: decodePlain(s[1]!), end: PLAIN_AT.lastIndex };
  const integer = match(INTEGER_AT, text, at);
  if (integer) return { value: Number.parseInt(integer[0], 10), end: INTEGER_AT.lastIndex };
  const name = match(DOTTED_AT, text, at);
  const literal = name ? nameLiteral(name[0]) : undefined;
  return literal ? { value: literal.value, end: DOTTED_AT.lastIndex } : undefined;
}

/**
 * A string literal (decoded as stringFromText does), or a string with only simple
 * interpolations, which has no literal value when it also holds no `$$` (as stringFromText finds).
 * One function per string kind, so that each sees one kind of regular expression result.
 */
function plainStringToken(text: string, at: number): Token | undefined {
  const simple = match(PLAIN_AT, text, at);
  if (simple) return { kind: 'string_expression', text: simple[0], end: PLAIN_AT.lastIndex, content: simple[1]! };
  const m = match(PLAIN_INTERPOLATED_AT, text, at);
  if (!m || m[0].includes('$$')) return undefined;
  return { kind: 'string_expression', text: m[0], end: PLAIN_INTERPOLATED_AT.lastIndex };
}

function indentedStringToken(text: string, at: number): Token | undefined {
  const simple = match(INDENTED_AT, text, at);
  if (simple) return { kind: 'indented_string_expression', text: simple[0], end: INDENTED_AT.lastIndex, content: simple[1]! };
  const m = match(INDENTED_INTERPOLATED_AT, text, at);
  if (!m || m[0].includes('$$')) return undefined;
  return { kind: 'indented_string_expression', text: m[0], end: INDENTED_INTERPOLATED_AT.lastIndex };
}

function match(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}
