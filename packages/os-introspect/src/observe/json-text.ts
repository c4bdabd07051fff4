/**
 * Pretty JSON assembled from pieces: exactly the text `JSON.stringify(value, null, 2)` gives,
 * but an object's property values can be supplied already rendered, as text or as UTF-8 bytes.
 * A genome reused from the memo is printed from its stored bytes: never decoded, parsed,
 * serialised or encoded again (for a large genome that is most of a warm run).
 */
export type Piece = string | Uint8Array;

const INDENT = '  ';

/** `JSON.stringify(value, null, 2)` of a value that sits at `depth` inside an enclosing document. */
export function prettyAt(value: unknown, depth: number): string {
  if (value === undefined) throw new TypeError('prettyAt: undefined has no JSON text');
  // Rendered inside `depth` one-key objects and cut out, so JSON.stringify indents it for its
  // place in one pass (no second pass over a text that can be megabytes long).
  let wrapped = value;
  for (let i = 0; i < depth; i++) wrapped = { v: wrapped };
  const text = JSON.stringify(wrapped, null, 2);
  return text.slice(wrapperLength(depth, 'head'), text.length - wrapperLength(depth, 'tail'));
}

/** Length of `{\n  "v": {\n    "v": ` (head) or of `\n  }\n}` (tail) around a value at `depth`. */
function wrapperLength(depth: number, part: 'head' | 'tail'): number {
  let n = 0;
  for (let i = 1; i <= depth; i++) n += part === 'head' ? 2 + INDENT.length * i + 5 : 1 + INDENT.length * (i - 1) + 1;
  return n;
}

/**
 * An object at `depth`, from `[key, rendered value]` entries whose values were rendered with
 * `prettyAt(value, depth + 1)` (or are pieces of such a text); entries without a value
 * (undefined properties) are left out, as JSON.stringify does.
 */
export function prettyObject(entries: [string, Piece | Piece[] | undefined][], depth: number): Piece[] {
  const present = entries.filter((e): e is [string, Piece | Piece[]] => e[1] !== undefined);
  if (present.length === 0) return ['{}'];
  const inner = INDENT.repeat(depth + 1);
  const out: Piece[] = ['{\n'];
  present.forEach(([k, v], i) => {
    out.push(`${i ? ',\n' : ''}${inner}${JSON.stringify(k)}: `);
    // One push per piece: `push(...v)` passes each as an argument, and overflows the stack past ~100,000.
    if (Array.isArray(v)) for (const p of v) out.push(p);
    else out.push(v);
  });
  out.push(`\n${INDENT.repeat(depth)}}`);
  return out;
}

/**
 * An array at `depth` from its elements already rendered with `prettyAt(element, depth + 1)`
 * (as text or UTF-8 bytes): the pieces of the text JSON.stringify gives the array there.
 */
export function prettyArray(items: Piece[], depth: number): Piece[] {
  if (items.length === 0) return ['[]'];
  const inner = INDENT.repeat(depth + 1);
  const out: Piece[] = [`[\n${inner}`];
  items.forEach((item, i) => {
    if (i) out.push(`,\n${inner}`);
    out.push(item);
  });
  out.push(`\n${INDENT.repeat(depth)}]`);
  return out;
}

/** The pieces as UTF-8 bytes (text pieces encoded, byte pieces as they are). */
export function piecesToBytes(pieces: Piece[]): Buffer[] {
  return pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}

export function piecesToText(pieces: Piece[]): string {
  return pieces.every((p) => typeof p === 'string') ? pieces.join('') : Buffer.concat(piecesToBytes(pieces)).toString('utf8');
}
