import { describeError, getLogger } from '@autopoietic/core/cli-kit';
import type { IdentityChoice } from '../install/seeds.js';

type Metadata = Record<string, string>;

/**
 * The identity host of the promoted genome: the target configuration's
 * `autopoietic.identity.host`, read from the replayed candidate's Nix source (no evaluation) when
 * it declares that configuration and sets the option to a literal; otherwise the configuration
 * label, as the reference did. P2 reads it because P2 is what was promoted: install-plan seeds
 * the promotion's recorded value (reading the live genome then would install a host no gate saw,
 * and miss a host the patch itself sets). Where it came from is recorded, so a fallback is never
 * silent.
 */
export const IDENTITY_KEYS = { host: 'identity_host', source: 'identity_host_source' } as const;

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

/**
 * A promotion record's metadata: the proposal's, with the identity keys always P2's own (a
 * proposal's metadata must not be able to name the host install-plan seeds).
 */
export function promotionMetadata(proposal: Metadata | undefined, identity: IdentityChoice | undefined): Metadata | undefined {
  const out: Metadata = { ...proposal };
  delete out[IDENTITY_KEYS.host];
  delete out[IDENTITY_KEYS.source];
  if (identity) Object.assign(out, { [IDENTITY_KEYS.host]: identity.host, [IDENTITY_KEYS.source]: identity.source });
  return Object.keys(out).length ? out : undefined;
}

/** The identity a promotion recorded, if it recorded one (promotions made before P2 read it did not). */
export function recordedIdentity(metadata: Metadata | undefined): IdentityChoice | undefined {
  const host = metadata?.[IDENTITY_KEYS.host];
  const source = metadata?.[IDENTITY_KEYS.source];
  return host !== undefined && source !== undefined ? { host, source } : undefined;
}

/**
 * The identity an install of this promotion seeds: the recorded one, else (a promotion older than
 * the record) the configuration label, the reference's choice. One rule for install-plan, which
 * builds the plan, and install-apply, which checks a plan file against it.
 */
export function promotionIdentity(promotion: { target_configuration: string; metadata?: Metadata | undefined }): IdentityChoice {
  return recordedIdentity(promotion.metadata) ?? { host: promotion.target_configuration, source: 'fallback:target-configuration' };
}
