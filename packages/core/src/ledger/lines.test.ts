import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { forEachLine, readChunks } from './lines.js';

/** Every line readChunks yields (number, offset, text, terminated), whatever the chunk size. */
async function linesOf(file: string, chunkSize: number): Promise<[number, number, string, boolean][]> {
  const out: [number, number, string, boolean][] = [];
  for await (const chunk of readChunks(file, undefined, chunkSize)) {
    forEachLine(chunk, (no, offset, bytes, terminated) => out.push([no, offset, bytes.toString('utf8'), terminated]));
  }
  return out;
}

describe('readChunks', () => {
  it('cuts chunks at line ends: lines carried across chunks come out whole, numbered and placed', async () => {
    // Short lines, a line longer than the room kept for a carried line (64 KiB), multi-byte text, no final newline.
    const lines = ['a', '', 'héllo wörld', 'x'.repeat(70 * 1024), ...Array.from({ length: 300 }, (_, i) => `line ${i} ${'y'.repeat(i % 37)}`), 'tail'];
    const file = join(tempDir(), 'l.jsonl');
    const text = lines.join('\n');
    writeFileSync(file, text);
    let offset = 0;
    const expected = lines.map((l, i): [number, number, string, boolean] => {
      const at = offset;
      offset += Buffer.byteLength(l) + 1;
      return [i + 1, at, l, i < lines.length - 1];
    });
    for (const size of [5, 64, 1000, 100_000, 1 << 20]) expect(await linesOf(file, size), `chunk size ${size}`).toEqual(expected);
  });
});
