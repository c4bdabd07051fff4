import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync } from 'node:fs';
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

  it('waits for a pipe its reader has not emptied without spinning, and delivers every byte', async () => {
    // A write into a full non-blocking pipe fails with EAGAIN; writing again at once spun a core
    // for as long as the reader was behind.
    const dir = tempDir('aos-output-');
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const data = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) & 0xff);
    const reader = spawn('sh', ['-c', 'sleep 1.5; exec cat "$0" > "$1"', fifo, join(dir, 'out')]);
    const read = new Promise((resolve) => reader.on('close', resolve));
    // Both ends on one descriptor (Linux opens a FIFO O_RDWR without waiting), non-blocking as
    // Node leaves a pipe on stdout: the 64 KiB pipe fills, and the reader only starts later.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const cpu = process.cpuUsage();
    const started = performance.now();
    try {
      writeChunks(fd, [data]);
    } finally {
      closeSync(fd);
    }
    const waited = performance.now() - started;
    const used = process.cpuUsage(cpu);
    await read;
    expect(waited).toBeGreaterThan(1000);
    expect((used.user + used.system) / 1000).toBeLessThan(waited / 4);
    expect(readFileSync(join(dir, 'out')).equals(data)).toBe(true);
  });
});
