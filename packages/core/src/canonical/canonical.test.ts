import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { digestCanonical, isSha256Digest, sha256 } from './digest.js';
import { firstDuplicateKey } from './duplicate-keys.js';
import { Framer, frameStrings } from './fingerprint.js';
import { compactUtc, ID_PATTERN, newId } from './ids.js';
import { nowRfc3339, parseRfc3339 } from './time.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('orders keys by UTF-16 code units, as RFC 8785 does', () => {
    // é (U+00E9) sorts after "z"; U+1F600 is the surrogate pair D83D DE00, which sorts before U+FFFD.
    expect(canonicalJson({ é: 1, z: 2, '\u{1F600}': 3, '\uFFFD': 4 })).toBe('{"z":2,"é":1,"\u{1F600}":3,"\uFFFD":4}');
  });

  it('escapes strings like JSON.stringify and keeps non-ASCII as is', () => {
    expect(canonicalJson('a"b\\c\n\u0001é€')).toBe('"a\\"b\\\\c\\n\\u0001é€"');
  });

  it('writes numbers in shortest round-trip form', () => {
    expect(canonicalJson([1, 1.5, -0, 1e21, 1e-7, 0.1 + 0.2, 100])).toBe('[1,1.5,0,1e+21,1e-7,0.30000000000000004,100]');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN at \$\.a/);
    expect(() => canonicalJson([1, undefined])).toThrow(/undefined at \$\[1\]/);
    expect(() => canonicalJson({ a: 10n })).toThrow(/bigint/);
  });

  it('omits undefined members', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('writes what toJSON returns, as JSON does: two different dates never encode (and digest) alike', () => {
    const a = new Date('2026-01-01T00:00:00.000Z');
    const b = new Date('2026-01-02T00:00:00.000Z');
    expect(canonicalJson({ at: a })).toBe('{"at":"2026-01-01T00:00:00.000Z"}');
    expect(canonicalJson([{ toJSON: () => ({ z: 1, a: [2] }) }])).toBe('[{"a":[2],"z":1}]');
    expect(digestCanonical({ at: a })).not.toBe(digestCanonical({ at: b }));
  });

  it('gives one digest for equal values whatever the key order', () => {
    expect(digestCanonical({ x: 1, y: [1, 2] })).toBe(digestCanonical({ y: [1, 2], x: 1 }));
    expect(isSha256Digest(digestCanonical({}))).toBe(true);
    expect(sha256('')).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('length-framed fingerprints', () => {
  it('keeps string boundaries: ["ab","c"] and ["a","bc"] differ', () => {
    expect(frameStrings('t', ['ab', 'c'])).not.toBe(frameStrings('t', ['a', 'bc']));
  });

  it('keeps list boundaries: [["a"],[]] and [[],["a"]] differ', () => {
    const f = (lists: string[][]) => new Framer('t').list(lists, (fr, l) => fr.strings(l)).digest();
    expect(f([['a'], []])).not.toBe(f([[], ['a']]));
  });

  it('separates domains and null from empty', () => {
    expect(frameStrings('a', ['x'])).not.toBe(frameStrings('b', ['x']));
    expect(new Framer('t').nullable(null).digest()).not.toBe(new Framer('t').nullable('').digest());
  });

  it('is deterministic', () => {
    expect(frameStrings('t', ['a', 'b'])).toBe(frameStrings('t', ['a', 'b']));
  });

  it('is exactly tag, u64 little-endian length, bytes, hashed in order (however the fields are buffered)', () => {
    // The byte stream written straight into sha256, one field at a time.
    const reference = (fields: ({ tag: number; n: number; bytes?: Uint8Array } | null)[]) => {
      const h = createHash('sha256');
      for (const f of fields) {
        if (f === null) {
          h.update(Uint8Array.of(4));
          continue;
        }
        const len = Buffer.alloc(8);
        len.writeBigUInt64LE(BigInt(f.n));
        h.update(Uint8Array.of(f.tag)).update(len);
        if (f.bytes) h.update(f.bytes);
      }
      return `sha256:${h.digest('hex')}`;
    };
    const str = (s: string) => ({ tag: 1, n: Buffer.byteLength(s), bytes: Buffer.from(s) });
    const big = `${'x'.repeat(100_000)}é`;
    const block = Buffer.alloc(70_000, 9);
    const many = Array.from({ length: 5000 }, (_, i) => `modules/m${i % 40}/f${i}.nix`);
    const framed = new Framer('d').str('a').str('ü€𝄞').bytes(Buffer.from([0, 1, 2])).nullable(null).nullable('n').list(['p', '', big], (fr, x) => fr.str(x)).bytes(block).strings(many).digest();
    const expected = reference([
      str('d'), str('a'), str('ü€𝄞'), { tag: 3, n: 3, bytes: Buffer.from([0, 1, 2]) }, null, str('n'),
      { tag: 2, n: 3 }, str('p'), str(''), str(big), { tag: 3, n: block.length, bytes: block },
      { tag: 2, n: many.length }, ...many.map(str),
    ]);
    expect(framed).toBe(expected);
    // A value fixed before frames were buffered: stored fingerprints must never change.
    const pinned = new Framer('autopoietic-test-v2').str('a').str('ü€𝄞').bytes(Buffer.from([0, 1, 2])).nullable(null).nullable('n').list(['p', '', big], (fr, x) => fr.str(x)).bytes(block).strings([]).digest();
    expect(pinned).toBe('sha256:0ed25a4f37612d4430401413ac030ebbea1c0755a2154dd83ea34b5fb87e85b6');
  });
});

describe('ids and timestamps', () => {
  it('formats ids as <prefix>-<YYYYMMDD-HHMMSS>-<32 hex>', () => {
    const d = new Date('2026-11-26T03:16:15.123Z');
    expect(compactUtc(d)).toBe('20261126-031615');
    const id = newId('ver', d);
    expect(id).toMatch(ID_PATTERN);
    expect(id.startsWith('ver-20261126-031615-')).toBe(true);
    expect(newId('ver', d)).not.toBe(id);
  });

  it('writes and parses RFC 3339 UTC', () => {
    const s = nowRfc3339(new Date('2026-01-02T03:04:05.006Z'));
    expect(s).toBe('2026-01-02T03:04:05.006Z');
    expect(parseRfc3339(s)?.getTime()).toBe(Date.parse(s));
    expect(parseRfc3339('2026-01-02 03:04')).toBeUndefined();
  });

  it('refuses dates and times the calendar does not have (new Date would roll them over)', () => {
    for (const bad of ['2026-02-29T00:00:00Z', '2026-02-30T00:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-00T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T23:60:00Z', '2026-01-01T00:00:00+24:00']) {
      expect(parseRfc3339(bad), bad).toBeUndefined();
    }
    expect(parseRfc3339('2028-02-29T23:59:59.5+05:30')?.toISOString()).toBe('2028-02-29T18:29:59.500Z');
    expect(parseRfc3339('2026-12-31T00:00:00-00:00')?.toISOString()).toBe('2026-12-31T00:00:00.000Z');
  });

  it('takes what RFC 3339 allows: a leap second, lower-case t and z, years before 100, fractions finer than a millisecond', () => {
    expect(parseRfc3339('2016-12-31T23:59:60Z')?.toISOString()).toBe('2016-12-31T23:59:59.999Z');
    expect(parseRfc3339('2026-01-02t03:04:05z')?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(parseRfc3339('0000-02-29T00:00:00Z')?.toISOString()).toBe('0000-02-29T00:00:00.000Z');
    expect(parseRfc3339('0100-02-29T00:00:00Z')).toBeUndefined();
    expect(parseRfc3339('0050-06-01T12:00:00+14:00')?.toISOString()).toBe('0050-05-31T22:00:00.000Z');
    expect(parseRfc3339('2026-01-02T03:04:05.123456789-12:00')?.toISOString()).toBe('2026-01-02T15:04:05.123Z');
    expect(parseRfc3339('2026-01-02T03:04:61Z')).toBeUndefined();
  });
});

describe('firstDuplicateKey', () => {
  it('finds a key given twice in one object, compared as decoded, with the path to that object', () => {
    expect(firstDuplicateKey('{"a": 1, "a": 2}')).toEqual({ path: '(top)', key: 'a' });
    expect(firstDuplicateKey('{"m": {"k": 1, "\\u006b": 2}}')).toEqual({ path: 'm', key: 'k' });
    expect(firstDuplicateKey('{"x": [0, {"y": [{}, {"z": 1, "z": 1}]}]}')).toEqual({ path: 'x.1.y.1', key: 'z' });
    // An escaped quote does not end a string: after one in a value or a key, the duplicate is still found.
    expect(firstDuplicateKey('{"a": "say \\"", "a": 2}')).toEqual({ path: '(top)', key: 'a' });
    expect(firstDuplicateKey('{"q\\"": 1, "q\\"": 2}')).toEqual({ path: '(top)', key: 'q"' });
  });

  it('does not confuse keys of different objects, values that look like keys, or quotes and braces inside strings', () => {
    expect(firstDuplicateKey('[{"a": 1}, {"a": 2}]')).toBeUndefined();
    expect(firstDuplicateKey('{"a": {"a": {"a": 1}}}')).toBeUndefined();
    expect(firstDuplicateKey('{"a": "a", "b": "a"}')).toBeUndefined();
    expect(firstDuplicateKey('{"a": "\\"}, \\"a\\": {", "b": ["a", "a"]}')).toBeUndefined();
    expect(firstDuplicateKey('"a"')).toBeUndefined();
  });

  it('walks deep nesting without recursion', () => {
    const deep = `${'{"a":'.repeat(200_000)}{"b": 1, "b": 2}${'}'.repeat(200_000)}`;
    expect(firstDuplicateKey(deep)?.key).toBe('b');
  });
});
