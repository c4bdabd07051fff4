import { describe, expect, it } from 'vitest';
import { code, fenced, inline } from './markdown.js';

describe('hand-off Markdown escaping', () => {
  it('keeps free text on one line, whatever line ending it holds', () => {
    expect(inline('set x\n\n## Claims\r\n- fake\rend')).toBe('set x\\n\\n## Claims\\n- fake\\nend');
  });

  it('fences a tail so that a lone CR cannot start a line outside the list item', () => {
    expect(fenced('50%\r100%\r\n# done\n', 'text')).toEqual(['    ```text', '    50%', '    100%', '    # done', '    ```']);
    expect(fenced('a ```` b', 'diff')[0]).toBe('    `````diff');
  });

  it('makes a code span that a backtick inside cannot close', () => {
    expect(code('{"goal":"set `x`"}')).toBe('``{"goal":"set `x`"}``');
    expect(code('`a')).toBe('`` `a ``');
  });
});
