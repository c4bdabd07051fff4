import { describe, expect, it } from 'vitest';
import { hostnameOf, nixSystem } from './platform.js';

describe('Nix system double', () => {
  it('spells the CPU as Nix does, not as uname -m does', () => {
    expect(nixSystem('x86_64', 'linux')).toBe('x86_64-linux');
    expect(nixSystem('arm64', 'darwin')).toBe('aarch64-darwin');
    expect(nixSystem('ppc64le', 'linux')).toBe('powerpc64le-linux');
    expect(nixSystem('i386', 'linux')).toBe('i686-linux');
    expect(nixSystem('riscv64', 'linux')).toBe('riscv64-linux');
  });
});

describe('hostname', () => {
  it("is the kernel's, else node's; an empty name or the kernel's (none) names no machine", () => {
    expect(hostnameOf('aion', 'other')).toBe('aion');
    expect(hostnameOf('', 'from-os')).toBe('from-os');
    expect(hostnameOf(undefined, ' from-os ')).toBe('from-os');
    expect(hostnameOf('(none)', '(none)')).toBeUndefined();
    expect(hostnameOf('', '')).toBeUndefined();
    expect(hostnameOf(undefined, '  ')).toBeUndefined();
  });
});
