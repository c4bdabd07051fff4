import { basename } from 'node:path';
import { NIX_FEATURE_FLAGS } from '@autopoietic/core/adapters';
import type { BodyState } from '@autopoietic/core/schemas';
import { probe } from './run.js';

type Installed = BodyState['installed_packages'];

/**
 * Installed packages of the user profile: `nix profile list --json` (Nix 2.20+ keys `elements`
 * by name; 2.17-2.19 give a list), else `nix-env -q` (old Nix, or a nix-env managed profile).
 * `userProfile` is the ~/.nix-profile link, checked by the caller before any `nix` runs (Nix
 * creates that link, and ~/.nix-defexpr, when it starts without them).
 */
export async function observePackages(userProfile: string | undefined): Promise<Installed> {
  // Without a user profile there is nothing to list, and both commands would create one.
  if (userProfile === undefined) return { available: false, reason: 'no user profile (~/.nix-profile does not exist)', packages: [] };
  // Named as the user would type it: its first argument is a feature flag, not the subcommand.
  const profile = await probe('nix', [...NIX_FEATURE_FLAGS, 'profile', 'list', '--json'], 'nix profile list --json');
  if (profile.ok) {
    const names = parseProfileJson(profile.text);
    if (names) return { available: true, source: 'nix profile list --json', packages: names };
  }
  const env = await probe('nix-env', ['-q']);
  if (env.ok) return { available: true, source: 'nix-env -q', packages: parseNixEnv(env.text) };
  const why = [profile.ok ? 'nix profile list --json: unrecognised output' : profile.reason, env.reason];
  return { available: false, reason: why.join('; '), packages: [] };
}

export function parseProfileJson(text: string): string[] | undefined {
  let doc: { elements?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    return undefined;
  }
  const el = doc?.elements;
  if (Array.isArray(el)) return el.map(elementName).filter((n): n is string => n !== undefined).sort();
  if (el && typeof el === 'object') return Object.keys(el).sort();
  return undefined;
}

/** A list-shaped element: the last attrPath segment, else the store path name without its hash. */
function elementName(e: unknown): string | undefined {
  const o = e as { attrPath?: unknown; storePaths?: unknown };
  if (typeof o?.attrPath === 'string' && o.attrPath) return o.attrPath.split('.').pop();
  const sp = Array.isArray(o?.storePaths) ? o.storePaths[0] : undefined;
  return typeof sp === 'string' ? basename(sp).replace(/^[0-9a-z]{32}-/, '') : undefined;
}

export function parseNixEnv(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}
