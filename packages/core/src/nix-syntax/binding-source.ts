import type { SyntaxNode } from './syntax-tree.js';
import { staticAttrPathOfText, type NixLiteral, type Span } from './nodes.js';
import { SIMPLE_PLAIN_SOURCE } from './strings.js';
import { positionOf, type TreeSource } from './tree-source.js';
import { DOTTED_NAME_SOURCE, hasKeywordSegment } from './callee-source.js';
import { tokenLiteral, valueToken, type Token } from './value-source.js';

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
/**
 * An attribute path with no space or comment inside, then `=`, then the first character of the
 * value, which must be printable ASCII and no comment's start (any other character, whitespace
 * included, leaves the binding to the node reading). Group 1 is the path.
 */
const HEAD = new RegExp(`(${SEGMENT}(?:\\.${SEGMENT})*)[ \\t\\r\\n]*=[ \\t\\r\\n]*(?=[!-~])(?!#|/\\*)`, 'y');
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
  // The path is the attrpath node's text, read as attrPath reads that text (identifiers only,
  // when there is no quote, are split at the dots).
  const pathText = m[1]!;
  const path = pathText.includes('"') ? staticAttrPathOfText(pathText) : pathText.split('.');
  return path ? { path, valueAt: HEAD.lastIndex } : undefined;
}

/**
 * A binding's value read from the source alone, with everything the analysis asks of its nodes.
 * The spans (which need a line count) are made when first asked for: option attributes never are.
 */
export class LexedValue {
  readonly kind: Token['kind'];
  readonly text: string;
  readonly callee: string | undefined;
  /** For a call with one argument read from the source (see callWithArgument). */
  readonly argument: LexedArgument | undefined;
  /** The binding's start and end (just after its `;`), as tree offsets. */
  readonly bindingStart: number;
  readonly bindingEnd: number;
  private spans: { value: Span; binding: Span } | undefined;
  private literalRead: { value: NixLiteral } | null | undefined;

  constructor(
    private readonly src: TreeSource,
    private readonly token: ArgumentToken,
    private readonly valueAt: number,
    bindingAt: number,
    bindingEndAt: number,
  ) {
    this.kind = token.kind;
    this.text = token.text;
    this.callee = token.callee;
    this.argument = token.argument;
    this.bindingStart = bindingAt + src.base;
    this.bindingEnd = bindingEndAt + src.base;
  }

  /** The value as a Nix literal, as literalValue reads it from the node; undefined when it is none. */
  get literal(): { value: NixLiteral } | undefined {
    if (this.literalRead === undefined) this.literalRead = tokenLiteral(this.token) ?? null;
    return this.literalRead ?? undefined;
  }

  /** The value's offsets and 1-based position, as spanOf gives them for its node. */
  get span(): Span {
    return this.spanned().value;
  }

  /** The binding's span, as spanOf gives it for the binding node. */
  get binding(): Span {
    return this.spanned().binding;
  }

  private spanned(): { value: Span; binding: Span } {
    const s = this.src;
    this.spans ??= {
      value: spanAt(s, this.valueAt, this.valueAt + this.text.length),
      binding: spanAt(s, this.bindingStart - s.base, this.bindingEnd - s.base),
    };
    return this.spans;
  }
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
  return new LexedValue(src, token, head.valueAt, bindingAt, BINDING_END.lastIndex);
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
    if (set.close === undefined) return undefined;
    const end = set.close + 1;
    return { kind: 'apply_expression', text: text.slice(at, end), end, callee, argument: { bindings: set.bindings } };
  }
  const string = c === '"' || c === "'" ? valueToken(text, argAt) : undefined;
  if (!string) return undefined;
  return { kind: 'apply_expression', text: text.slice(at, string.end), end: string.end, callee, argument: { string } };
}

/** A binding read from the source: its attribute path and value. */
export interface LexedBinding {
  path: string[];
  value: LexedValue;
}

/**
 * The bindings of the attrset whose `{` is at `open`, read while lexedValue reads them, separated
 * by whitespace: the first binding starts at the first character after `{` that is not
 * whitespace, each next one likewise after the previous `;`, and the first `}` met where a binding
 * could start is the attrset's close (a binding set holds only bindings, inherits and comments,
 * none of which starts with `}`). When a member cannot be read, `stop` is where it starts.
 */
function lexBindings(src: TreeSource, open: number): { bindings: LexedBinding[]; close?: number; stop?: number } {
  const text = src.text;
  const bindings: LexedBinding[] = [];
  for (let at = open + 1; ; ) {
    SPACE.lastIndex = at;
    SPACE.test(text);
    at = SPACE.lastIndex;
    if (text.charAt(at) === '}') return { bindings, close: at };
    const head = bindingHeadAt(src, at);
    const value = head && lexedValue(src, at, head);
    if (!head || !value) return { bindings, stop: at };
    bindings.push({ path: head.path, value });
    at = value.bindingEnd - src.base;
  }
}

/**
 * The leading bindings of an attrset node (`end`: its end, a tree offset) that lexBindings reads,
 * and `rest`, the tree offset from which its members are left to the node reading (none when all
 * were read). Undefined when the node is not a `{ … }` as expected.
 */
export function lexedAttrset(src: TreeSource, attrset: SyntaxNode, end: number): { bindings: LexedBinding[]; rest?: number } | undefined {
  const open = attrset.startIndex - src.base;
  if (src.text.charAt(open) !== '{') return undefined;
  const set = lexBindings(src, open);
  if (set.stop !== undefined) return { bindings: set.bindings, rest: set.stop + src.base };
  // The close found must be the node's: anything else would be a bug in the reading above.
  return set.close === end - src.base - 1 ? { bindings: set.bindings } : undefined;
}
