/**
 * Text from records, files or the host, made safe to print to a terminal: every control
 * character (C0 but tab and line feed, DEL, C1), line and paragraph separator and invisible
 * format character (bidi controls, zero-width space, word joiner, BOM, soft hyphen; the
 * zero-width joiner and non-joiner that scripts and emoji need are kept) is shown as a `\uXXXX`
 * escape, as JSON writes it. Printed raw, `ESC [2J` clears the user's screen, `ESC ]0;...BEL`
 * retitles the window, a lone CR overwrites the line, U+202E reverses the text after it, and a
 * zero-width character makes "nix-flake-check\u200b" read as the built-in check: a goal, a check
 * name or a file name could redraw or disguise what the tool reports.
 *
 * UNPRINTABLE is that class as a regex source (for the `u` flag), tab and line feed included.
 * It is also what organ names may not contain (core vocab/organ-name.ts): one definition, so a
 * character escaped on a terminal can never be accepted in a new name.
 */
export const UNPRINTABLE = String.raw`[\p{Cc}\p{Zl}\p{Zp}]|(?![\u200c\u200d])\p{Cf}`;

/** UNPRINTABLE less tab and line feed, which a terminal shows as what they are. */
const UNSAFE = new RegExp(`(?![\\t\\n])(?:${UNPRINTABLE})`, 'gu');

export function terminalText(s: string): string {
  return s.replace(UNSAFE, unitEscapes);
}

/**
 * The same for text that must stay on the one line it is printed on (a progress line, a log
 * message): a line feed is escaped too, so a check name or a generator's stderr cannot start a
 * line of its own that reads like the tool's ("nix-flake-check: passed").
 */
export function terminalLine(s: string): string {
  return terminalText(s).replace(/\n/g, unitEscapes);
}

/** Each UTF-16 unit as `\uXXXX` (an astral format character, such as a tag, as its two halves). */
export function unitEscapes(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}
