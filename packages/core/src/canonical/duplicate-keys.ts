/**
 * The first object key that appears twice in one object of a JSON text (pure). JSON.parse keeps
 * the last of duplicate keys, as jq and Python do, but other readers keep the first or refuse the
 * text: a proposal with `"goal"` twice would be verified as one thing and read by a reviewer's
 * tool as another, under one fingerprint. Keys are compared as decoded (`"a"` and `"\u0061"`
 * are the same key).
 *
 * For text JSON.parse has already accepted. Iterative, so a deeply nested text cannot overflow
 * the stack; linear in the length of the text.
 */
export interface DuplicateKey {
  /** Where the object is: keys and array indexes from the top, `(top)` for the outermost value. */
  path: string;
  key: string;
}

interface Frame {
  /** Keys seen so far (objects), or undefined (arrays). */
  keys: Set<string> | undefined;
  /** The label of the current member: its key (objects) or index (arrays). */
  label: string;
  index: number;
  expectKey: boolean;
}

export function firstDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { path: pathOf(stack.slice(0, -1)), key };
        top.keys.add(key);
        top.label = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === '{') {
      stack.push({ keys: new Set(), label: '', index: 0, expectKey: true });
    } else if (c === '[') {
      stack.push({ keys: undefined, label: '0', index: 0, expectKey: false });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.keys) top.expectKey = true;
      else top.label = String(++top.index);
    }
  }
  return undefined;
}

/** Index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length - 1;
}

function pathOf(frames: Frame[]): string {
  return frames.length ? frames.map((f) => f.label).join('.') : '(top)';
}
