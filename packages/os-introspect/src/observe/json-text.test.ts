import { describe, expect, it } from 'vitest';
import { piecesToBytes, piecesToText, prettyArray, prettyAt, prettyObject } from './json-text.js';

const sample = {
  a: 1,
  s: 'line\nbreak "quoted" ünïcode',
  empty: {},
  list: [],
  nested: { deep: [{ x: null, y: [true, false] }, 'z'], gone: undefined },
  absent: undefined,
};

describe('pretty JSON from pieces', () => {
  it('renders a value at any depth as JSON.stringify(value, null, 2) would inside a document', () => {
    const whole = JSON.stringify({ outer: { inner: sample } }, null, 2);
    expect(whole).toContain(`"inner": ${prettyAt(sample, 2)}`);
    expect(prettyAt(sample, 0)).toBe(JSON.stringify(sample, null, 2));
    expect(prettyAt('x', 3)).toBe('"x"');
  });

  it('assembles an object from rendered property values, text or bytes, leaving out undefined ones', () => {
    const entries = Object.entries(sample).map(([k, v]): [string, string | Buffer | undefined] => [k, v === undefined ? undefined : k === 'nested' ? Buffer.from(prettyAt(v, 1)) : prettyAt(v, 1)]);
    const pieces = prettyObject(entries, 0);
    expect(piecesToText(pieces)).toBe(JSON.stringify(sample, null, 2));
    expect(Buffer.concat(piecesToBytes(pieces)).toString('utf8')).toBe(JSON.stringify(sample, null, 2));
    expect(piecesToText(prettyObject([['only', undefined]], 2))).toBe('{}');
  });

  it('nests assembled objects', () => {
    const inner = prettyObject([['k', prettyAt([1, 2], 2)]], 1);
    expect(piecesToText(prettyObject([['top', inner], ['n', '3']], 0))).toBe(JSON.stringify({ top: { k: [1, 2] }, n: 3 }, null, 2));
  });

  it('assembles an array from elements rendered at the depth below it', () => {
    const items = [sample, { b: [1] }, 'last'];
    for (const depth of [0, 2, 3]) expect(piecesToText(prettyArray(items.map((i) => prettyAt(i, depth + 1)), depth))).toBe(prettyAt(items, depth));
    expect(piecesToText(prettyArray([], 2))).toBe(prettyAt([], 2));
    const asBytes = prettyArray(items.map((i) => Buffer.from(prettyAt(i, 3))), 2);
    const whole = JSON.stringify({ g: { modules: items } }, null, 2);
    expect(whole).toContain(`"modules": ${piecesToText(asBytes)}`);
  });
});
