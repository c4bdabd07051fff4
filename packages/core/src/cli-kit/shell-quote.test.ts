import { describe, expect, it } from 'vitest';
import { shellQuote } from './shell-quote.js';

describe('shellQuote', () => {
  it('leaves plain paths alone and quotes the rest as one word', () => {
    expect(shellQuote('/var/lib/aos/memory/x.jsonl')).toBe('/var/lib/aos/memory/x.jsonl');
    expect(shellQuote("/tmp/it's here/x")).toBe(`'/tmp/it'\\''s here/x'`);
    expect(shellQuote('/tmp/$(rm)')).toBe("'/tmp/$(rm)'");
  });
});
