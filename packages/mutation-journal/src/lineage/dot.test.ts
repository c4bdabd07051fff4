import { describe, expect, it } from 'vitest';
import { quote } from './dot.js';

describe('DOT quoting', () => {
  it('escapes backslashes and quotes, and turns newlines into \\n line breaks', () => {
    expect(quote('a "b" \\ c\nd\r\ne')).toBe('"a \\"b\\" \\\\ c\\nd\\ne"');
  });
});
