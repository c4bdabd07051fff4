import { describe, expect, it } from 'vitest';
import { renderHtml, scriptJson } from './html.js';
import type { LineageView } from './model.js';

describe('scriptJson', () => {
  it('cannot close the script element or open a comment, and round-trips', () => {
    const value = { reason: '</script><!-- & \u2028 \u2029 <b>' };
    const text = scriptJson(value);
    expect(text).not.toMatch(/<|>|&|\u2028|\u2029/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('renderHtml', () => {
  it('writes a ledger path (from --memory-dir, so anything) into the page as text and a quoted attribute it cannot leave', () => {
    const path = '/tmp/m"><img src=x onerror="alert(1)">&amp;/effects.jsonl';
    const view: LineageView = {
      schema_version: '0.1.0',
      memory_dir: '/tmp/m',
      sources: [{ kind: 'effect', path, exists: false, records: 0, status: 'missing', head: null, problems: [] }],
      counts: { attempt: 0, mutation: 0, verification: 0, promotion: 0, generation: 0, effect: 0 },
      nodes: [],
      edges: [],
    };
    const html = renderHtml(view);
    const escaped = '/tmp/m&quot;&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;amp;/effects.jsonl';
    expect(html).toContain(`<span class="source" title="${escaped}">effects.jsonl: 0 records, missing</span>`);
    expect(html).not.toContain('<img');
  });
});
