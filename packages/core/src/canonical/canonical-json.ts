/**
 * Canonical JSON, in the style of RFC 8785 (JCS):
 * - object keys sorted by UTF-16 code units (JavaScript's default string order);
 * - no insignificant whitespace;
 * - strings escaped as ECMAScript JSON.stringify does (the JCS rule);
 * - numbers in ECMAScript shortest round-trip form (the JCS rule); -0 is written 0;
 * - NaN, Infinity, bigint, functions and symbols are refused;
 * - object members whose value is `undefined` are omitted (as JSON does);
 *   `undefined` inside an array is refused, since JSON has no such value.
 * The result is a string; digests are taken over its UTF-8 bytes.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, out, '$');
  return out.join('');
}

function write(value: unknown, out: string[], where: string): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON cannot encode ${value} at ${where}`);
      out.push(Object.is(value, -0) ? '0' : JSON.stringify(value));
      return;
    case 'object': {
      if (Array.isArray(value)) {
        out.push('[');
        value.forEach((item, i) => {
          if (item === undefined) throw new TypeError(`canonical JSON cannot encode undefined at ${where}[${i}]`);
          if (i > 0) out.push(',');
          write(item, out, `${where}[${i}]`);
        });
        out.push(']');
        return;
      }
      const obj = value as Record<string, unknown>;
      if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
        write((obj as { toJSON: () => unknown }).toJSON(), out, where);
        return;
      }
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      out.push('{');
      keys.forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        write(obj[k], out, `${where}.${k}`);
      });
      out.push('}');
      return;
    }
    default:
      throw new TypeError(`canonical JSON cannot encode a ${typeof value} at ${where}`);
  }
}
