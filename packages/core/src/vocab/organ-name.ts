import { UNPRINTABLE, unitEscapes } from '../cli-kit/terminal-text.js';

/**
 * The rule for a new organ name, shared by every command that writes one (mutation-journal
 * organ add/update/generation, mutation-runner promote --changed-organ).
 */

/**
 * What a NEW organ name may not contain (organ add --name, organ update --rename): control
 * characters (newline, tab, escape, DEL, C1), line and paragraph separators, and invisible format
 * characters (bidi overrides, zero-width space, BOM, soft hyphen), except the zero-width joiner
 * and non-joiner that some scripts and emoji need. A name is printed on one line in tables,
 * Markdown hand-offs, the HTML lineage and log lines, and people tell organs apart by how their
 * names look: a line break splits a table row or a Markdown list item, an escape sequence runs in
 * a terminal, and an invisible character makes two names that look alike distinct organs.
 * Only writes are checked: lines already in a registry are read as before (the schema keeps
 * accepting them), so an old organ with such a name can still be listed, renamed or retired.
 * The class is the one terminal-text.ts escapes (tab and line feed included here).
 */
const FORBIDDEN_IN_NAME = new RegExp(UNPRINTABLE, 'u');

/** Why `name` cannot be given to an organ, or undefined when it can. */
export function organNameProblem(name: string): string | undefined {
  const m = FORBIDDEN_IN_NAME.exec(name);
  if (!m) return /[^\s\u200C\u200D]/u.test(name) ? undefined : 'has no visible character (only joiners and spaces)';
  const ch = m[0].codePointAt(0)!;
  const at = [...name.slice(0, m.index)].length + 1;
  return `contains ${codePoint(ch)} (${charKind(ch)}) at character ${at}`;
}

/** A name quoted for a message, each character organNameProblem refuses written as \uXXXX (UTF-16 units). */
export function quotedName(name: string): string {
  return JSON.stringify(name).replace(new RegExp(UNPRINTABLE, 'gu'), unitEscapes);
}

function codePoint(ch: number): string {
  return `U+${ch.toString(16).toUpperCase().padStart(4, '0')}`;
}

function charKind(ch: number): string {
  if (ch === 0x0a || ch === 0x0d || ch === 0x2028 || ch === 0x2029 || ch === 0x85) return 'a line break';
  if (ch === 0x09) return 'a tab';
  if (ch === 0x1b) return 'an escape character';
  if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f)) return 'a control character';
  return 'an invisible formatting character';
}
