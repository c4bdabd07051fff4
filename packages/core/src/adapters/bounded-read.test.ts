import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { readBoundedFile } from './bounded-read.js';

describe('readBoundedFile', () => {
  it('reads a regular file within the limit, byte for byte', () => {
    const p = join(tempDir(), 'a.json');
    writeFileSync(p, Buffer.from([0x7b, 0x7d, 0xff, 0x0a]));
    expect(readBoundedFile(p, 4)).toEqual({ ok: true, bytes: Buffer.from([0x7b, 0x7d, 0xff, 0x0a]) });
    writeFileSync(p, '');
    expect(readBoundedFile(p, 4)).toEqual({ ok: true, bytes: Buffer.alloc(0) });
  });

  it('refuses, without reading them whole or waiting, a file over the limit, /dev/zero, a FIFO and a directory', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big'), 'x'.repeat(5));
    symlinkSync('/dev/zero', join(dir, 'zero'));
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    mkdirSync(join(dir, 'sub'));
    expect(readBoundedFile(join(dir, 'big'), 4)).toEqual({ ok: false, code: 'too-large', reason: '5 bytes or more, over the limit of 4' });
    for (const [name, kind] of [['zero', 'a device, FIFO or socket'], ['fifo', 'a device, FIFO or socket'], ['sub', 'a directory']] as const) {
      expect(readBoundedFile(join(dir, name), 1024)).toEqual({ ok: false, code: 'not-a-file', reason: `not a regular file (${kind})` });
    }
    expect(readBoundedFile(join(dir, 'missing'), 4)).toEqual({ ok: false, code: 'ENOENT', reason: 'ENOENT' });
  });

  it('with `within`, checks the file as opened: a link leading outside is refused, one inside is read', () => {
    const base = tempDir();
    const dir = join(base, 'proposal');
    mkdirSync(dir);
    writeFileSync(join(base, 'secret'), 'outside');
    writeFileSync(join(dir, 'patch.diff'), 'inside');
    // What a proposal's author swaps in after the caller looked at the path: the path is the
    // same, only the open call sees where it leads now.
    symlinkSync('../secret', join(dir, 'swapped.diff'));
    symlinkSync('patch.diff', join(dir, 'alias.diff'));
    expect(readBoundedFile(join(dir, 'swapped.diff'), 64, { within: dir })).toEqual({ ok: false, code: 'outside', reason: `it resolves to ${join(base, 'secret')}, outside ${dir}` });
    expect(readBoundedFile(join(dir, 'alias.diff'), 64, { within: dir })).toEqual({ ok: true, bytes: Buffer.from('inside') });
    expect(readBoundedFile(join(dir, 'swapped.diff'), 64)).toEqual({ ok: true, bytes: Buffer.from('outside') });
  });
});
