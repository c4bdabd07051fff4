import { symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { lookupFailure, readFailure, selfStateUnreadable } from './read-failure.js';

describe('readFailure: why a file a flag names cannot be read, in words, for every CLI', () => {
  it('says each errno a path can meet, from a real lookup', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '{}');
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    expect(lookupFailure(join(dir, 'file'))).toBeUndefined();
    expect(readFailure(lookupFailure(join(dir, 'nope'))!)).toBe('no such file (ENOENT): check the path');
    expect(readFailure(lookupFailure(join(dir, 'file', 'x'))!)).toBe('a part of its path is a file, not a directory (ENOTDIR): check the path');
    expect(readFailure(lookupFailure(join(dir, 'a'))!)).toBe('its path goes round a loop of symbolic links (ELOOP): fix the link that leads back, or name the file itself');
    expect(readFailure({ code: 'EACCES', reason: 'EACCES' })).toBe('this user may not read it (EACCES): fix its owner or mode, or run as a user who may read it');
    // What already says what it is stays as it was said.
    expect(readFailure({ code: 'EISDIR', reason: 'is a directory' })).toBe('is a directory');
  });

  it('gives a --self-state refusal (exit 2) whose hint fits: fix the mode of a closed file, write a missing one', () => {
    const missing = selfStateUnreadable('state.json', { code: 'ENOENT', reason: 'ENOENT' });
    expect([missing.code, missing.exit, missing.message, missing.hint]).toEqual([
      'self-state-unreadable',
      2,
      'cannot read --self-state state.json: no such file (ENOENT): check the path',
      'Write one with `os-introspect --output FILE` and pass that file.',
    ]);
    for (const code of ['EACCES', 'EPERM']) {
      const closed = selfStateUnreadable('state.json', { code, reason: code });
      expect(closed.hint).toBe('Make it readable to this user (its owner or mode), or pass a copy this user can read.');
      expect(closed.message).toContain(`this user may not read it (${code})`);
    }
    expect(selfStateUnreadable('/tmp', { code: 'EISDIR', reason: 'not a regular file (a directory)' }).message).toBe('cannot read --self-state /tmp: not a regular file (a directory)');
  });
});
