import { describe, expect, it } from 'vitest';
import { scriptJson } from './html.js';

describe('scriptJson', () => {
  it('cannot close the script element or open a comment, and round-trips', () => {
    const value = { reason: '</script><!-- & \u2028 \u2029 <b>' };
    const text = scriptJson(value);
    expect(text).not.toMatch(/<|>|&|\u2028|\u2029/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
