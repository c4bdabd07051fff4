import { canonicalJson } from '@autopoietic/core/canonical';
import type { GenerationRecord, InstallPlanOutput, MutationPromotionRecord, MutationVerificationRecord } from '@autopoietic/core/schemas';
import { withoutChain } from './ledger-seed.js';
import { promotionIdentity } from '../promote/identity.js';
import { buildSeedFiles, plannedGeneration } from './seeds.js';

/**
 * An install plan is a pure function of its evidence (the promotion and its P1 record) and of the
 * few choices install-plan records in the planned generation (target root, generation labels,
 * installed memory dir). Matching the P1/P2/lineage seeds against the ledgers is
 * not enough: every other byte of a plan file must be what that function gives, or an edited plan
 * installs what no evidence gave (an extra file, another identity, a seed moved to another path).
 * Returns what differs, or undefined when the plan is exactly the derived one.
 */
export function underivedPlanPart(plan: InstallPlanOutput, promotion: MutationPromotionRecord, verification: MutationVerificationRecord): string | undefined {
  const g = withoutChain(plan.generation) as GenerationRecord;
  const md = g.metadata ?? {};
  const installedMemoryDir = md.installed_memory_dir;
  if (installedMemoryDir === undefined) return 'planned generation: its metadata lacks installed_memory_dir';
  // The host is not a choice of the plan: it is the one the promotion gives.
  const identity = promotionIdentity(promotion);
  const targetRoot = g.target_root ?? '';
  const derived = plannedGeneration({ promotion, targetRoot, parentGeneration: g.parent_generation ?? '', resultingGeneration: g.generation, installedMemoryDir, identity });
  const field = firstDifference(g, derived);
  if (field !== undefined) return `planned generation: ${field} is not what promotion ${promotion.promotion_id} gives`;
  const want = buildSeedFiles({ promotion, verification, generation: derived, targetRoot, installedMemoryDir, identity });
  const have = plan.seed_manifest.files;
  for (let i = 0; i < Math.max(want.length, have.length); i++) {
    const [w, h] = [want[i], have[i]];
    if (!h) return `seed file ${i + 1} (${w!.installed_path}) is missing: the evidence gives ${want.length} seed files, the plan has ${have.length}`;
    if (!w) return `seed file ${i + 1} (${h.installed_path}) is not one the evidence gives (it gives ${want.length} seed files)`;
    const diff = firstDifference(h, w);
    if (diff !== undefined) return `seed file ${i + 1} (${h.installed_path}): ${diff} is not what the evidence gives (expected the seed for ${w.installed_path})`;
  }
  return undefined;
}

/** The first top-level key (in sorted order) whose canonical JSON differs, or undefined. */
function firstDifference(a: object, b: object): string | undefined {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort();
  return keys.find((k) => canon(x[k]) !== canon(y[k]));
}

function canon(v: unknown): string {
  return v === undefined ? 'undefined' : canonicalJson(v);
}
