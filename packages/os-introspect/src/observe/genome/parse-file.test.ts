import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNixParser } from '@autopoietic/core/nix-syntax';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { isParsed, parseOnly } from './parse-file.js';

describe('parseOnly', () => {
  it('decodes each file on its own: a file cut inside a UTF-8 sequence leaves nothing for the next', async () => {
    const parser = await loadNixParser();
    const dir = tempDir();
    // `a` and the first two bytes of `€` (e2 82 ac), then a file that starts with the third byte.
    const files: [string, Buffer][] = [
      ['cut.nix', Buffer.from([0x61, 0xe2, 0x82])],
      ['rest.nix', Buffer.from([0xac, 0x20, 0x31])],
      ['ok.nix', Buffer.from('{ a = "€"; }\n')],
    ];
    for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
    const results = files.map(([name]) => parseOnly({ rel: name, abs: join(dir, name) }, parser, new Set()));
    // Neither is UTF-8, so each is read with U+FFFD for its bytes; the cut `€` does not reach the next.
    expect(results.map((r) => isParsed(r) && [r.tree.text, r.notUtf8 ?? false])).toEqual([
      ['a\ufffd', true],
      ['\ufffd 1', true],
      ['{ a = "€"; }\n', false],
    ]);
  });

  it('reads text that is not UTF-8 (Latin-1) as Nix source, and says so; NUL bytes are no Nix source', async () => {
    const parser = await loadNixParser();
    const dir = tempDir();
    writeFileSync(join(dir, 'latin1.nix'), Buffer.from('{ a = "caf\xe9"; }\n', 'latin1'));
    writeFileSync(join(dir, 'nul.nix'), Buffer.from('{ a = 1; }\x00', 'latin1'));
    const latin1 = parseOnly({ rel: 'latin1.nix', abs: join(dir, 'latin1.nix') }, parser, new Set());
    expect(isParsed(latin1) && [latin1.tree.text, latin1.notUtf8]).toEqual(['{ a = "caf\ufffd"; }\n', true]);
    expect(parseOnly({ rel: 'nul.nix', abs: join(dir, 'nul.nix') }, parser, new Set())).toMatchObject({ status: 'not-text', reason: expect.stringContaining('NUL') });
  });

  it('keeps a UTF-8 byte-order mark in the text, where the analysis reports it (Nix rejects the file)', async () => {
    const parser = await loadNixParser();
    const dir = tempDir();
    writeFileSync(join(dir, 'bom.nix'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{ a = 1; }\n')]));
    const r = parseOnly({ rel: 'bom.nix', abs: join(dir, 'bom.nix') }, parser, new Set());
    expect(isParsed(r) && r.tree.text).toBe('\ufeff{ a = 1; }\n');
  });
});
