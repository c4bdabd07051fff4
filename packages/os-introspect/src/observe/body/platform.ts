import { readFileSync } from 'node:fs';
import { hostname, machine, platform, release } from 'node:os';
import type { BodyState } from '@autopoietic/core/schemas';

/** `uname -m` names Nix spells otherwise; any other machine is its own Nix CPU name (armv7l, riscv64, s390x...). */
const NIX_ARCH: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  i386: 'i686',
  i586: 'i686',
  ppc64le: 'powerpc64le',
  ppc64: 'powerpc64',
};

/** The Nix system double of a machine and OS (`ppc64le`, `linux` -> `powerpc64le-linux`). */
export function nixSystem(machine: string, os: string): string {
  return `${NIX_ARCH[machine] ?? machine}-${os}`;
}

/** This machine: OS, kernel release, architecture, Nix system double and hostname. */
export function observePlatform(): BodyState['platform'] {
  const m = machine();
  const os = platform();
  return {
    system: os,
    release: readTrimmed('/proc/sys/kernel/osrelease') ?? release(),
    machine: m,
    nix_system: nixSystem(m, os),
    hostname: currentHostname(),
  };
}

/** The kernel's hostname; `unknown` only when even that cannot be read. */
export function currentHostname(): string {
  return readTrimmed('/proc/sys/kernel/hostname') || hostname() || 'unknown';
}

function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
