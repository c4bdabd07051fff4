import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { writeChunks } from './output.js';

describe('writeChunks', () => {
  it('writes every chunk in order, gathered or alone, whatever their sizes', () => {
    const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
    const chunks = [bytes(3, 1), new Uint8Array(0), bytes(10, 2), bytes(40, 3), bytes(16, 4), bytes(16, 5), bytes(1, 6), new Uint8Array(0), bytes(17, 7)];
    for (const max of [1, 16, 17, 32, 1000]) {
      const file = join(tempDir('aos-output-'), 'out');
      const fd = openSync(file, 'w');
      writeChunks(fd, chunks, max);
      closeSync(fd);
      expect(readFileSync(file).equals(Buffer.concat(chunks)), `max ${max}`).toBe(true);
    }
  });
});
