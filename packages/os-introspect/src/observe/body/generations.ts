import { readdirSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BodyState } from '@autopoietic/core/schemas';
import { errCode } from '../walk.js';

type Generations = BodyState['generations'];

export const DEFAULT_PROFILES_DIR = '/nix/var/nix/profiles';
export const DEFAULT_CURRENT_SYSTEM = '/run/current-system';

/** NixOS system generations (`system-<N>-link`), sorted by number, and the running system. */
export function observeGenerations(profilesDir = DEFAULT_PROFILES_DIR, currentSystem = DEFAULT_CURRENT_SYSTEM): Generations {
  const current = realOrNull(currentSystem);
  let names: string[];
  try {
    names = readdirSync(profilesDir);
  } catch (e) {
    return { available: false, reason: `cannot read ${profilesDir} (${errCode(e)})`, profiles_dir: profilesDir, current_system: current, system_generations: [] };
  }
  const gens = systemGenerations(names).map(({ generation, name }) => {
    const path = join(profilesDir, name);
    const target = readlinkOrNull(path);
    return { generation, path, target, dangling: target !== null && dangling(path), current: current !== null && realOrNull(path) === current };
  });
  const none = gens.length === 0 ? { reason: `no system-<N>-link entries in ${profilesDir} (not a NixOS host?)` } : {};
  return { available: gens.length > 0, ...none, profiles_dir: profilesDir, current_system: current, system_generations: gens };
}

/**
 * `system-10-link` sorts after `system-9-link` (numbers, not strings). A number beyond 2^53 is
 * not exact here (and not a valid self-state): such a link is no real generation, and is passed over.
 */
export function systemGenerations(names: string[]): { generation: number; name: string }[] {
  return names
    .flatMap((name) => {
      const m = /^system-(\d+)-link$/.exec(name);
      const generation = m ? Number(m[1]) : Number.NaN;
      return Number.isSafeInteger(generation) ? [{ generation, name }] : [];
    })
    .sort((a, b) => a.generation - b.generation);
}

/**
 * A link whose target is not there (ENOENT), or never resolves (ELOOP, ENOTDIR). A target this
 * user may not look at (EACCES) is not known to be missing, so it is not called dangling.
 */
function dangling(link: string): boolean {
  try {
    statSync(link);
    return false;
  } catch (e) {
    return ['ENOENT', 'ELOOP', 'ENOTDIR'].includes(errCode(e));
  }
}

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

function readlinkOrNull(p: string): string | null {
  try {
    return readlinkSync(p);
  } catch {
    return null;
  }
}
