import { describe, expect, it } from 'vitest';
import { checkMode, permissionBits } from './seed-mode.js';

describe('seed file modes', () => {
  it('writes permission bits as four octal digits, file type bits dropped', () => {
    expect(permissionBits(0o100644)).toBe('0644');
    expect(permissionBits(0o104755)).toBe('4755');
    expect(permissionBits(0o100000)).toBe('0000');
  });

  it('requires the manifest mode exactly for a file at its own path', () => {
    expect(checkMode('0644', 0o100644, false)).toEqual({ status: 'matched', stricter: false });
    expect(checkMode('0644', 0o100666, false)).toEqual({ status: 'mismatched' });
    expect(checkMode('0644', 0o100444, false)).toEqual({ status: 'mismatched' });
    expect(checkMode('0644', 0o104644, false)).toEqual({ status: 'mismatched' });
  });

  it('accepts fewer bits through an in-root symlink (a read-only Nix store file), never more', () => {
    expect(checkMode('0644', 0o100444, true)).toEqual({ status: 'matched', stricter: true });
    expect(checkMode('0644', 0o100644, true)).toEqual({ status: 'matched', stricter: false });
    expect(checkMode('0644', 0o100664, true)).toEqual({ status: 'mismatched' });
    expect(checkMode('0644', 0o100555, true)).toEqual({ status: 'mismatched' });
  });
});
