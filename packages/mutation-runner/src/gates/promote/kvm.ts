import { builderSpecs, configList, kvmUsable, nixConfig, type NixInfo, type NixPassThrough } from '@autopoietic/core/adapters';

/**
 * Can this machine (or one of its remote builders) build a check that requires some system
 * features? Read from the effective Nix configuration (`system-features`, `builders`, after
 * pass-through options) plus a real open of /dev/kvm, because `kvm` and `nixos-test` checks boot
 * QEMU machines. Asked before anything builds, so a machine without KVM reports `error` at once
 * instead of an obscure build failure (and never `promoted`).
 */
export interface MachineFeatures {
  system: string;
  extraPlatforms: string[];
  features: string[];
  kvmDevice: boolean;
  /** Systems and supported+mandatory features of each configured remote builder. */
  builders: { spec: string; systems: string[]; features: string[] }[];
}

export async function machineFeatures(nix: NixInfo, pass: NixPassThrough, env: NodeJS.ProcessEnv, kvmDevice = '/dev/kvm'): Promise<MachineFeatures> {
  const config = await nixConfig(nix, { pass, env });
  const builders = builderSpecs(config.builders).map((spec) => {
    const f = spec.split(/\s+/);
    const list = (s: string | undefined) => (s && s !== '-' ? s.split(',') : []);
    return { spec, systems: list(f[1]), features: [...list(f[5]), ...list(f[6])] };
  });
  return {
    system: String(config.system ?? ''),
    extraPlatforms: configList(config['extra-platforms']),
    features: configList(config['system-features']),
    kvmDevice: kvmUsable(kvmDevice),
    builders,
  };
}

const NEEDS_KVM = new Set(['kvm', 'nixos-test']);

/** Why checks of `system` cannot be built here (nor on a remote builder), or undefined (pure). */
export function systemProblem(system: string, m: MachineFeatures): string | undefined {
  if (system === m.system || m.extraPlatforms.includes(system)) return undefined;
  if (m.builders.some((b) => b.systems.includes(system))) return undefined;
  return `checks for ${system} cannot be built here: this machine builds ${[m.system, ...m.extraPlatforms].join(', ')}, and no remote builder offers ${system}`;
}

/** Why a check with these required features cannot be built here, or undefined (pure). */
export function featureProblem(required: readonly string[], m: MachineFeatures, system = m.system): string | undefined {
  if (required.length === 0) return undefined;
  if (m.builders.some((b) => (b.systems.length === 0 || b.systems.includes(system)) && required.every((f) => b.features.includes(f)))) return undefined;
  const missing = required.filter((f) => !m.features.includes(f));
  const lacks = [...missing.map((f) => `system feature ${f} (system-features = ${m.features.join(' ') || 'none'})`)];
  if (required.some((f) => NEEDS_KVM.has(f)) && !m.kvmDevice) lacks.push('a usable /dev/kvm');
  if (lacks.length === 0) return undefined;
  return `requires ${required.join(', ')}, but this machine lacks ${lacks.join(' and ')}, and no remote builder offers them`;
}
