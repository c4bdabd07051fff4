import type { Node } from 'web-tree-sitter';
import { staticAttrPathOfText, type Span } from './nodes.js';
import { SIMPLE_PLAIN_SOURCE } from './strings.js';
import { positionOf, type TreeSource } from './tree-source.js';
import { DOTTED_NAME_SOURCE, hasKeywordSegment } from './callee-source.js';
import { valueToken, type Token } from './value-source.js';

/**
 * Bindings of clean trees (see TreeSource) read from the source, so that the common ones cost no
 * node beyond the binding itself, and whole attrsets of them no node at all. Grammar facts used
 * (tree-sitter-nix):
 *  - `binding = attrpath '=' expression ';'` and a node starts at its first child and ends at its
 *    last, so a binding starts with its attribute path and ends just after its `;`;
 *  - `attrset_expression = '{' binding_set? '}'`, and a binding_set holds bindings, inherits and
 *    comments;
 *  - between tokens there are only extras: whitespace and comments (which start with `#` or `/*`);
 *  - no expression goes on past a `;` that follows it (only `let`, `with`, `assert` and attrsets
 *    hold a `;`, and each opens before it).
 * Whitespace is only ever skipped as ASCII space, tab, CR and LF; any other character that
 * tree-sitter might take for whitespace makes the reading fail, and the node path is taken.
 * Offsets index TreeSource.text, except in spans and where said (tree offsets, as `startIndex`).
 */

/** One attribute name: an identifier, or a `"…"` string without interpolation. */
const SEGMENT = `(?:[A-Za-z_][A-Za-z0-9_'-]*|${SIMPLE_PLAIN_SOURCE.replace('(', '(?:')})`;
/** An attribute path with no space or comment inside, then `=`: group 1 is the path. */
const HEAD = new RegExp(`(${SEGMENT}(?:\\.${SEGMENT})*)[ \\t\\r\\n]*=[ \\t\\r\\n]*`, 'y');
/** What ends a binding after its value: whitespace, then `;`. */
const BINDING_END = /[ \t\r\n]*;/y;
const SPACE = /[ \t\r\n]*/y;

export interface BindingHead {
  path: string[];
  /** Where the value starts. */
  valueAt: number;
}

/**
 * The attribute path of the binding that starts at `at`, and where its value starts. The path is
 * matched as whole names joined by dots, so it cannot stop inside the real path (which would go on
 * with `.`, not `=`); what follows it up to `=` is then whitespace, and that `=` is the binding's.
 * The value starts at the next character when that is neither whitespace nor a comment's start.
 */
export function bindingHeadAt(src: TreeSource, at: number): BindingHead | undefined {
  const text = src.text;
  HEAD.lastIndex = at;
  const m = HEAD.exec(text);
  if (!m) return undefined;
  const valueAt = HEAD.lastIndex;
  const c = text.charCodeAt(valueAt);
  if (!(c > 0x20 && c < 0x7f) || c === 0x23 /* # */ || text.startsWith('/*', valueAt)) return undefined;
  // The path is the attrpath node's text, read as attrPath reads that text (identifiers only,
  // when there is no quote, are split at the dots).
  const pathText = m[1]!;
  const path = pathText.includes('"') ? staticAttrPathOfText(pathText) : pathText.split('.');
  return path ? { path, valueAt } : undefined;
}

/** A binding's value read from the source alone, with everything the analysis asks of its nodes. */
export interface LexedValue extends Omit<Token, 'end'> {
  /** The value's offsets and 1-based position, as spanOf gives them for its node. */
  span: Span;
  /** The binding's span, as spanOf gives it for the binding node. */
  binding: Span;
  /** For a call with one argument read from the source (see callWithArgument). */
  argument?: LexedArgument;
}

/** The argument of `f { … }` (its bindings) or of `f "…"` (the string). */
export type LexedArgument = { bindings: LexedBinding[] } | { string: Token };

/**
 * The value of the binding that starts at `bindingAt` with head `head`, when valueToken or
 * callWithArgument reads it and `;` follows: the value starts at `valueAt`, and no expression goes
 * on past a following `;`, so what was read is the whole value, and the `;` ends the binding.
 */
export function lexedValue(src: TreeSource, bindingAt: number, head: BindingHead): LexedValue | undefined {
  let token: ArgumentToken | undefined = valueToken(src.text, head.valueAt);
  if (!token || !endsBinding(src.text, token.end)) token = callWithArgument(src, head.valueAt);
  if (!token || !endsBinding(src.text, token.end)) return undefined;
  return {
    kind: token.kind,
    text: token.text,
    literal: token.literal,
    callee: token.callee,
    span: spanAt(src, head.valueAt, token.end),
    binding: spanAt(src, bindingAt, BINDING_END.lastIndex),
    argument: token.argument,
  };
}

/** True when whitespace and `;` follow `at` (BINDING_END.lastIndex is then just after the `;`). */
function endsBinding(text: string, at: number): boolean {
  BINDING_END.lastIndex = at;
  return BINDING_END.test(text);
}

/** A token, with the argument when it is a call read by callWithArgument. */
type ArgumentToken = Token & { argument?: LexedArgument };

/** The span of `start`..`end` (offsets into the text), as spanOf gives it for a node there. */
function spanAt(src: TreeSource, start: number, end: number): Span {
  const p = positionOf(src, start);
  return { start: start + src.base, end: end + src.base, line: p.row + 1, col: p.column + 1 };
}

/** A dotted name (group 1) and the whitespace after it. */
const NAME_AND_SPACE = new RegExp(`(${DOTTED_NAME_SOURCE})[ \\t\\r\\n]+`, 'y');

/**
 * `lib.mkOption { … }` or `lib.mkEnableOption "…"`: a dotted name, whitespace, then an attrset
 * that lexBindings reads wholly, or a string valueToken reads. With no keyword in the name, this
 * is an application of the name (a variable or select) to that one argument.
 */
function callWithArgument(src: TreeSource, at: number): (Token & { argument: LexedArgument }) | undefined {
  const text = src.text;
  NAME_AND_SPACE.lastIndex = at;
  const name = NAME_AND_SPACE.exec(text);
  if (!name || hasKeywordSegment(name[1]!)) return undefined;
  const argAt = NAME_AND_SPACE.lastIndex;
  const callee = name[1]!.slice(name[1]!.lastIndexOf('.') + 1);
  const c = text.charAt(argAt);
  if (c === '{') {
    const set = lexBindings(src, argAt);
    if (!set) return undefined;
    const end = set.close + 1;
    return { kind: 'apply_expression', text: text.slice(at, end), end, literal: undefined, callee, argument: { bindings: set.bindings } };
  }
  const string = c === '"' || c === "'" ? valueToken(text, argAt) : undefined;
  if (!string) return undefined;
  return { kind: 'apply_expression', text: text.slice(at, string.end), end: string.end, literal: undefined, callee, argument: { string } };
}

/** A binding read from the source: its attribute path and value. */
export interface LexedBinding {
  path: string[];
  value: LexedValue;
}

/**
 * The bindings of the attrset whose `{` is at `open`, when it holds nothing but bindings that
 * lexedValue reads, separated by whitespace: the first binding starts at the first character after
 * `{` that is not whitespace, each next one likewise after the previous `;`, and the first `}` met
 * where a binding could start is the attrset's close (a binding set holds only bindings, inherits
 * and comments, none of which starts with `}`). Undefined otherwise.
 */
function lexBindings(src: TreeSource, open: number): { bindings: LexedBinding[]; close: number } | undefined {
  const text = src.text;
  const bindings: LexedBinding[] = [];
  for (let at = open + 1; ; ) {
    SPACE.lastIndex = at;
    SPACE.test(text);
    at = SPACE.lastIndex;
    if (text.charAt(at) === '}') return { bindings, close: at };
    const head = bindingHeadAt(src, at);
    const value = head && lexedValue(src, at, head);
    if (!head || !value) return undefined;
    bindings.push({ path: head.path, value });
    at = value.binding.end - src.base;
  }
}

/** The bindings of an attrset node (`end`: its end, a tree offset), when lexBindings reads them all. */
export function lexedAttrset(src: TreeSource, attrset: Node, end: number): LexedBinding[] | undefined {
  const open = attrset.startIndex - src.base;
  if (src.text.charAt(open) !== '{') return undefined;
  const set = lexBindings(src, open);
  // The close found must be the node's: anything else would be a bug in the reading above.
  return set && set.close === end - src.base - 1 ? set.bindings : undefined;
}
