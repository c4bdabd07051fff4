import { describe, expect, it } from 'vitest';
import { AosError } from '../cli-kit/errors.js';
import { loadNixParser, parseTimeLimitMs } from './parser.js';

describe('the Nix parser', () => {
  it('gives up on input it lexes in quadratic time, with a clear error, and parses on afterwards', async () => {
    const parser = await loadNixParser();
    // 40,000 names in one select: about 40 s to parse in full.
    const hostile = `{ x = ${'a.'.repeat(40_000)}b; }`;
    const t0 = performance.now();
    let caught: unknown;
    try {
      parser.parse(hostile, 300).delete();
    } catch (e) {
      caught = e;
    }
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(caught).toBeInstanceOf(AosError);
    expect((caught as AosError).code).toBe('nix-parse-too-slow');
    expect((caught as AosError).message).toMatch(/gave up after 0\.3 s on 80010 characters/);
    // The cancelled parse is not resumed by the next one.
    expect(parser.withTree('{ a = 1; }', (root) => root.toString())).toMatch(/^\(source_code expression: \(attrset_expression/);
  });

  it('allows a real file plenty of time', () => {
    expect(parseTimeLimitMs(0)).toBe(5000);
    expect(parseTimeLimitMs(8 * 1024 * 1024)).toBe(21_000);
  });
});
