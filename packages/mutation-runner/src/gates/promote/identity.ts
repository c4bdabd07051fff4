import { describeError, getLogger } from '@autopoietic/core/cli-kit';
import type { IdentityChoice } from './seeds.js';

/**
 * The identity seed's host: the target configuration's `autopoietic.identity.host`, read from the
 * genome's Nix source (no evaluation) when the genome declares that configuration and sets the
 * option to a literal. Otherwise the configuration label, as the reference did; the plan records
 * which one it used (`identity_host_source`), so the fallback is never silent.
 */
export async function readIdentityHost(genomeRoot: string, targetConfiguration: string): Promise<IdentityChoice> {
  const fallback = { host: targetConfiguration, source: 'fallback:target-configuration' };
  try {
    const { readHostIdentity } = await import('@autopoietic/core/nix-syntax');
    const identity = await readHostIdentity(genomeRoot, targetConfiguration);
    const host = identity?.host;
    if (host) return { host: host.value, source: `genome:${host.file}:${host.line}` };
    getLogger().info(
      { genome: genomeRoot, configuration: targetConfiguration },
      identity ? 'the target configuration sets no literal autopoietic.identity.host; the identity seed uses the configuration label' : 'the genome declares no such configuration; the identity seed uses the configuration label',
    );
  } catch (e) {
    getLogger().warn({ genome: genomeRoot, err: describeError(e) }, 'could not read the genome for autopoietic.identity.host; the identity seed uses the configuration label');
  }
  return fallback;
}
