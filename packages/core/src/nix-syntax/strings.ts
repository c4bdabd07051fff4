import type { SyntaxNode } from './syntax-tree.js';

/**
 * Decoding of Nix string nodes. The text of the node decides most strings on its own; the
 * fragment-by-fragment walk (a node and a type read per fragment) is left for the rest.
 */

/**
 * A `"…"` string in which every backslash escapes one character and nothing interpolates: its
 * content (group 1) decodes from the text alone.
 */
export const SIMPLE_PLAIN_SOURCE = /"((?:[^"\\$]|\\[\s\S]|\$(?!\{))*)"/.source;
const SIMPLE_PLAIN = new RegExp(`^${SIMPLE_PLAIN_SOURCE}$`);
export const PLAIN_ESCAPE = /\\([\s\S])/g;

/** A `''…''` string with no `''` escape and no `${` inside: its content (group 1) is the raw text. */
export const SIMPLE_INDENTED_SOURCE = /''((?:[^'$]|'(?!')|\$(?!\{))*)''/.source;
const SIMPLE_INDENTED = new RegExp(`^${SIMPLE_INDENTED_SOURCE}$`);

export type StringType = 'string_expression' | 'indented_string_expression';

/**
 * What the text of a string node alone says: `{ value }` for a literal, `{ value: undefined }`
 * for a string that surely interpolates, undefined when only the node walk can tell.
 */
export function stringFromText(type: StringType, text: string, clean: boolean): { value: string | undefined } | undefined {
  const plain = type === 'string_expression';
  const simple = (plain ? SIMPLE_PLAIN : SIMPLE_INDENTED).exec(text);
  if (simple) return { value: plain ? decodePlain(simple[1]!) : stripIndentation(simple[1]!) };
  return clean && (plain ? PLAIN_INTERPOLATES : INDENTED_INTERPOLATES).test(text) ? { value: undefined } : undefined;
}

/**
 * Strings whose first interpolation their text shows: from the opening quote, literal characters
 * and whole escapes, then `${`. The escapes are `\x` in `"…"` (`\$` being the grammar's
 * dollar_escape), and `'''`, `''$` and `''\x` in `''…''` (`''\$` is left to the node walk). A `$`
 * before another `$` is left to the node walk too (Nix reads `$${` as `$` and a literal `{`).
 * After such a prefix, the first child that the node walk meets and that is not a fragment or an
 * escape is that interpolation, so the string has no literal value. Only for clean trees (see
 * TreeSource): error recovery can cut a string anywhere.
 */
const PLAIN_INTERPOLATES = /^"(?:[^"\\$]|\\[\s\S]|\$(?![{$]))*\$\{/;
const INDENTED_INTERPOLATES = /^''(?:[^'$]|'(?!')|''['$]|''\\[^$]|\$(?![{$]))*\$\{/;

/** The content of a simple `"…"` string with its escapes decoded. */
export function decodePlain(content: string): string {
  if (!content.includes('\\') && !content.includes('\r')) return content;
  return content.replace(PLAIN_OR_CR, (m) => (m[0] === '\\' ? unescapePlain(m) : '\n'));
}

/** An escape, or a raw CR LF or CR: Nix's lexer reads the latter as LF in `"…"` strings. */
const PLAIN_OR_CR = /\\[\s\S]|\r\n?/g;

export function plainString(n: SyntaxNode, text: string, clean: boolean): string | undefined {
  const known = stringFromText('string_expression', text, clean);
  if (known) return known.value;
  let out = '';
  for (const c of n.namedChildren) {
    if (c.type === 'string_fragment') out += c.text.replace(/\r\n?/g, '\n');
    else if (c.type === 'escape_sequence') out += unescapePlain(c.text);
    else if (c.type === 'dollar_escape') continue; // `\${`: the grammar gives `\` here and `$` as a fragment
    else return undefined; // interpolation: not a literal
  }
  return out;
}

export function unescapePlain(esc: string): string {
  const ch = esc.slice(1);
  if (ch === 'n') return '\n';
  if (ch === 't') return '\t';
  if (ch === 'r') return '\r';
  return ch;
}

/** `''...''` strings: escapes decoded, then the common indentation removed as Nix does. */
export function indentedString(n: SyntaxNode, text: string, clean: boolean): string | undefined {
  const known = stringFromText('indented_string_expression', text, clean);
  if (known) return known.value;
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

/**
 * Nix's indentation stripping (parser.y): only spaces indent (a tab or a CR is text, so a line
 * starting with one has indentation 0); lines holding only spaces do not count and lose at most
 * the common indentation; the opening line goes when it holds only spaces; so does the last
 * line when it holds only spaces. It used trim(), which counted tabs and CR as indentation.
 */
export function stripIndentation(raw: string): string {
  const lines = raw.split('\n');
  let cut = Number.POSITIVE_INFINITY;
  for (const l of lines) {
    const indent = leadingSpaces(l);
    if (indent < l.length) cut = Math.min(cut, indent);
  }
  if (cut === Number.POSITIVE_INFINITY) cut = 0;
  const out = lines.map((l) => l.slice(Math.min(cut, leadingSpaces(l))));
  if (out.length > 1 && /^ *$/.test(lines[0]!)) out.shift();
  const last = out.length - 1;
  if (last > 0 && /^ *$/.test(out[last]!)) out[last] = '';
  return out.join('\n');
}

function leadingSpaces(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}
