import { Refusal } from './refusal.mjs';

/**
 * The goals the rule-based generator understands (see README.md):
 *
 *   set `autopoietic.<option path>` to `<value>` on host `<host>`
 *
 * Backticks are optional around each part; the value may be quoted Nix (`"text"`), `true`,
 * `false`, an integer, or bare text (a string). Anything else is not for this generator.
 */
const GOAL = /^\s*set\s+`?(autopoietic(?:\.[A-Za-z_][A-Za-z0-9_'-]*)+)`?\s+to\s+(`[^`]*`|"(?:[^"\\]|\\.)*"|\S+)\s+on\s+host\s+`?([A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)`?\s*\.?\s*$/i;

/**
 * @param {string} goal
 * @returns {{ option: string, raw: string, host: string } | undefined}
 */
export function parseGoal(goal) {
  const m = GOAL.exec(goal);
  if (!m) return undefined;
  let raw = m[2];
  if (raw.startsWith('`')) raw = raw.slice(1, -1);
  return { option: m[1], raw, host: m[3] };
}

/** How a value is written: the Nix type it is given as. */
export const VALUE_KINDS = ['string', 'bool', 'int', 'list'];

/** The kind the value text suggests on its own (used when the genome gives no better hint). */
export function guessKind(raw) {
  if (raw === 'true' || raw === 'false') return 'bool';
  if (/^-?\d+$/.test(raw)) return 'int';
  return 'string';
}

/**
 * The value as text, without surrounding Nix quotes. A quoted value is read as a Nix string:
 * `\n`, `\r` and `\t` are control characters and a backslash before any other character is
 * that character (so `\"`, `\\`, `\${`). An unescaped `${` would interpolate in Nix, and a NUL
 * cannot be in a Nix string at all: this generator writes literal values only, so both are
 * refused rather than written as something else.
 */
export function plainValue(raw) {
  let text = raw;
  if (/^"(?:[^"\\]|\\.)*"$/s.test(raw)) {
    const body = raw.slice(1, -1);
    if (/(^|[^\\])(\\\\)*\$\{/.test(body)) {
      throw new Refusal(3, `value ${raw} interpolates (\${...}) in Nix; this generator writes literal values only: write \\\${ for a literal \${`);
    }
    text = body.replace(/\\(.)/gs, (_, c) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
  }
  if (text.includes('\0')) throw new Refusal(3, `value ${JSON.stringify(text)} contains a NUL character, which a Nix string cannot hold`);
  return text;
}

/** A Nix string literal: `"`, `\` and `${` escaped. */
export function nixString(text) {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '\\${').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')}"`;
}

/**
 * The value written as Nix of the given kind. `list` wraps the string in a one-element list:
 * the deliberately wrong form `--fail-first` uses.
 */
export function renderValue(raw, kind) {
  const text = plainValue(raw);
  switch (kind) {
    case 'bool':
      if (text !== 'true' && text !== 'false') throw new Refusal(3, `value ${JSON.stringify(text)} is not a boolean`);
      return text;
    case 'int':
      if (!/^-?\d+$/.test(text)) throw new Refusal(3, `value ${JSON.stringify(text)} is not an integer`);
      return text;
    case 'list':
      return `[ ${nixString(text)} ]`;
    default:
      return nixString(text);
  }
}
