import type { SyntaxNode } from './syntax-tree.js';
import { sourceSlice, type TreeSource } from './tree-source.js';

/**
 * Names of called functions read from the source of clean trees (see TreeSource), so that the
 * analysis need not fetch the function node, or any node, to learn what a call calls.
 *
 * Grammar facts used (tree-sitter-nix): `apply_expression = function argument`, where the function
 * is an application or a select/simple expression and the argument a select/simple expression; a
 * node starts where its first child starts; between tokens there are only extras (whitespace and
 * comments, which start with `#` or `/*`).
 */

/** Identifiers (the grammar's identifier characters) joined by dots. */
export const DOTTED_NAME_SOURCE = /[A-Za-z_][A-Za-z0-9_'-]*(?:\.[A-Za-z_][A-Za-z0-9_'-]*)*/.source;
/** `a.b-c.d'`: identifiers joined by dots, nothing else (no spaces, comments, quotes or `${`). */
export const PLAIN_DOTTED = new RegExp(`^${DOTTED_NAME_SOURCE}$`);

/** A keyword as one name (between dots or whitespace) of dotted names: left to the node reading. */
const KEYWORD_SEGMENT = /(?:^|[.\s])(?:assert|else|if|in|inherit|let|or|rec|then|with)(?=[.\s]|$)/;

/** True when a dotted name, or several separated by whitespace, holds a keyword. */
export function hasKeywordSegment(dotted: string): boolean {
  return KEYWORD_SEGMENT.test(dotted);
}

function lastSegment(dotted: string): string | undefined {
  return hasKeywordSegment(dotted) ? undefined : dotted.slice(dotted.lastIndexOf('.') + 1);
}

/**
 * One level of a call: the source from the call's start to its argument's start is the function's
 * text followed by extras. When that source, with trailing whitespace cut, is a plain dotted name
 * (no comment can hide in it: `#`, `/` and `*` are not name characters), the function is that
 * variable or select expression; its name is the last segment, as callOf reads it from the node.
 */
export function calleeBeforeArgument(src: TreeSource, call: SyntaxNode, arg: SyntaxNode): string | undefined {
  const head = sourceSlice(src, call.startIndex, arg.startIndex).trimEnd();
  return PLAIN_DOTTED.test(head) ? lastSegment(head) : undefined;
}

/** A dotted name at a position (the same characters as the grammar's identifier). */
const NAME_AT = new RegExp(DOTTED_NAME_SOURCE, 'y');
const ASCII_SPACE = /[ \t\r\n]+/y;
/** Characters that can start an argument and cannot continue a name: quotes, brackets, `<`, `~`, name or digit. */
const ARGUMENT_START = /[A-Za-z_0-9"'([{<~]/y;

/**
 * The name of the innermost function of a call (`lib.mkIf` in `lib.mkIf c v`), read from the
 * source at the call's start without fetching a node; undefined when the source does not decide.
 *
 * The innermost function starts where the call starts. If a dotted name stands there followed by
 * ASCII whitespace and then a character that can only start an argument, that name is the whole
 * function: a variable or select expression can only go on with `.` or `or`, which are excluded
 * (as are `/`, `#` and `:`, so that comments, paths and URIs never qualify; `./x` and `../x` are
 * path arguments, not selects).
 */
export function innermostCallee(src: TreeSource, call: SyntaxNode): string | undefined {
  const text = src.text;
  NAME_AT.lastIndex = call.startIndex - src.base;
  const name = NAME_AT.exec(text);
  if (!name) return undefined;
  ASCII_SPACE.lastIndex = NAME_AT.lastIndex;
  if (!ASCII_SPACE.exec(text)) return undefined;
  const at = ASCII_SPACE.lastIndex;
  ARGUMENT_START.lastIndex = at;
  const startsArgument = ARGUMENT_START.test(text) ? !isOrKeyword(text, at) : text.startsWith('./', at) || text.startsWith('../', at);
  return startsArgument ? lastSegment(name[0]) : undefined;
}

/** `or` standing alone (a select's default), not a name that begins with it (`organs`). */
function isOrKeyword(text: string, at: number): boolean {
  return text.startsWith('or', at) && !/[A-Za-z0-9_'-]/.test(text.charAt(at + 2));
}
