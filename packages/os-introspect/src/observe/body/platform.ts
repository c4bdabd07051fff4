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
    hostname: currentHostname() ?? '',
  };
}

export const KERNEL_HOSTNAME = '/proc/sys/kernel/hostname';

/** The kernel's hostname (else node's); undefined when the machine has none (see hostnameOf). */
export function currentHostname(): string | undefined {
  return hostnameOf(readTrimmed(KERNEL_HOSTNAME), hostname());
}

/**
 * A hostname that names the machine: the kernel's, else the one node reads. An empty name (a
 * container or an early boot with an empty /etc/hostname) and the kernel's placeholder for an
 * unset name, `(none)`, name nothing: undefined, where `unknown` was reported as the hostname
 * (and taken as the identity, as if a machine were called that).
 */
export function hostnameOf(kernel: string | undefined, fromOs: string): string | undefined {
  for (const name of [kernel, fromOs.trim()]) if (name && name !== '(none)') return name;
  return undefined;
}

function readTrimmed(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
