import { readFileSync } from 'node:fs';
import { hostname, machine, platform, release } from 'node:os';
import type { BodyState } from '@autopoietic/core/schemas';

const NIX_ARCH: Record<string, string> = { x86_64: 'x86_64', amd64: 'x86_64', aarch64: 'aarch64', arm64: 'aarch64', i686: 'i686', armv7l: 'armv7l', riscv64: 'riscv64' };

/** This machine: OS, kernel release, architecture, Nix system double and hostname. */
export function observePlatform(): BodyState['platform'] {
  const m = machine();
  const os = platform();
  return {
    system: os,
    release: readTrimmed('/proc/sys/kernel/osrelease') ?? release(),
    machine: m,
    nix_system: `${NIX_ARCH[m] ?? m}-${os}`,
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
