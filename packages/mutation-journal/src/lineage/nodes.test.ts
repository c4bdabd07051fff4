import { describe, expect, it } from 'vitest';
import { fileLink } from './nodes.js';

describe('fileLink', () => {
  it('makes a relative path a relative file URL that no record text can turn into a scheme', () => {
    for (const path of [' java\tscript:alert(1)', 'javascript:alert(1)', '\njavascript:x', 'a b/c?d#e%f']) {
      const { href } = fileLink('proposal', path);
      const url = new URL(href, 'file:///memory/lineage.html');
      expect(url.protocol).toBe('file:');
      expect(url.search + url.hash).toBe('');
      expect(decodeURIComponent(url.pathname)).toBe(`/memory/${path}`);
    }
  });

  it('keeps an absolute path as its file URL', () => {
    expect(fileLink('log', '/var/log/a b.log', 'sha256:x')).toEqual({ label: 'log', href: 'file:///var/log/a%20b.log', digest: 'sha256:x' });
  });
});
