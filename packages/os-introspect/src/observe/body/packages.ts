import { basename } from 'node:path';
import { NIX_FEATURE_FLAGS } from '@autopoietic/core/adapters';
import type { BodyState } from '@autopoietic/core/schemas';
import { probe } from './run.js';

type Installed = BodyState['installed_packages'];

/**
 * Installed packages of the user profile: `nix profile list --json` (Nix 2.20+ keys `elements`
 * by name; 2.17-2.19 give a list), else `nix-env -q` (old Nix, or a nix-env managed profile),
 * else the plain `nix profile list` of a Nix that has `nix profile` but not its --json (2.4-2.16):
 * nix-env refuses a profile `nix profile` manages, so such a profile was `available: false`.
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
  if (!profile.ok && NO_JSON_FLAG.test(profile.reason)) {
    const plain = await probe('nix', [...NIX_FEATURE_FLAGS, 'profile', 'list'], 'nix profile list');
    const names = plain.ok ? parseProfileText(plain.text) : undefined;
    if (names) return { available: true, source: 'nix profile list', packages: names };
    why.push(plain.ok ? 'nix profile list: unrecognised output' : plain.reason);
  }
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

/** A list-shaped element: its name from the attrPath, else the store path name. */
function elementName(e: unknown): string | undefined {
  const o = e as { attrPath?: unknown; storePaths?: unknown };
  const sp = Array.isArray(o?.storePaths) ? o.storePaths[0] : undefined;
  return nameOf(typeof o?.attrPath === 'string' ? o.attrPath : undefined, typeof sp === 'string' ? sp : undefined);
}

/**
 * The last attrPath segment (`legacyPackages.x86_64-linux.hello` is `hello`), else the store path
 * name without its hash. `default` names no package (`nix profile install github:o/tool`), and
 * every flake's would be called so: its store path name is.
 */
function nameOf(attrPath: string | undefined, storePath: string | undefined): string | undefined {
  const last = attrPath?.split('.').pop();
  if (last && last !== 'default') return last;
  return storePath ? basename(storePath).replace(/^[0-9a-z]{32}-/, '') : last || undefined;
}

/** `nix: unrecognised flag '--json'` (Nix 2.4-2.16 list a profile in text only). */
const NO_JSON_FLAG = /unrecognised flag '--json'/;

/**
 * The text `nix profile list` prints before Nix 2.17, a line per element:
 * `<index> <flake ref>#<attrPath> <locked ref>#<attrPath> <store path>...`, `-` for both refs of
 * an element installed by store path. A line of another form is not this output: undefined.
 */
export function parseProfileText(text: string): string[] | undefined {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const m = /^\d+ (\S+) \S+((?: \/\S+)*) *$/.exec(line);
    if (!m) return undefined;
    const ref = m[1]!;
    const attrPath = ref === '-' ? undefined : ref.slice(ref.lastIndexOf('#') + 1).replace(/\^.*$/, '');
    const name = nameOf(attrPath, m[2]!.trim().split(' ')[0]);
    if (name) names.push(name);
  }
  return names.sort();
}

export function parseNixEnv(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}
