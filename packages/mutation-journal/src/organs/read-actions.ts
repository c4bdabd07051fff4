import { getLogger, printJson, usageError } from '@autopoietic/core/cli-kit';
import { nowRfc3339 } from '@autopoietic/core/canonical';
import { organReviewBundle, organSuggestBundle, prepareSidecar, rawRef, writeSidecar, type SidecarTarget } from '@autopoietic/core/evidence';
import type { EvidenceBundle } from '@autopoietic/core/schemas';
import { resolve } from 'node:path';
import { positiveDays } from './fields.js';
import { currentOrgans } from './history.js';
import { loadGenerations, loadMeasureInputs, loadPromotions, loadRegistry, skippedLimits } from './ledgers.js';
import { measureOrgans } from './measure.js';
import { organPaths, type OrganPaths, type PathFlags } from './paths.js';
import { reviewOrgans, type ReviewInput } from './review.js';
import { DEFAULT_STALE_AFTER_DAYS } from '@autopoietic/core/vocab';
import { loadSelfState } from './self-state.js';
import { suggestOrgans } from './suggest.js';

/**
 * list, review and suggest: read-only. They open ledgers for reading only, take no lock and
 * create nothing except the optional evidence sidecar, whose path is checked before any work.
 */
export async function runList(flags: PathFlags & { history?: boolean }): Promise<void> {
  // A bare JSON array has no room to say a torn last line was left out: refuse it (exit 1, with
  // the repair command) rather than print a list a script would take as the whole registry.
  const { items, registry } = await loadRegistry(organPaths(flags).registry, { tornTail: 'error' });
  printJson(flags.history ? items : currentOrgans(registry).map((o) => o.latest));
}

export interface ReviewFlags extends PathFlags {
  measure?: boolean;
  staleAfter?: string;
  evidenceBundle?: string;
}

export async function runReview(flags: ReviewFlags): Promise<void> {
  const staleAfterDays = flags.staleAfter === undefined ? DEFAULT_STALE_AFTER_DAYS : positiveDays('--stale-after', flags.staleAfter);
  const measureOnly = (['promotions', 'generations', 'verifications'] as const).filter((k) => flags[k] !== undefined);
  if (!flags.measure && measureOnly.length > 0) {
    throw usageError('organ-measure-flag', `--${measureOnly[0]} is only read with --measure`, 'Add --measure, or drop the ledger flag.');
  }
  const paths = organPaths(flags);
  const sidecar = prepareSidecar(flags.evidenceBundle, { inputs: ledgerInputs(paths) });
  const reg = await loadRegistry(paths.registry);
  const { registry, status } = reg;
  let measured: ReviewInput['measured'];
  let skipped = skippedLimits(reg);
  if (flags.measure) {
    const { inputs, statuses, skipped: measureSkipped } = await loadMeasureInputs(paths);
    const { registry: _r, ...from } = paths;
    measured = { measures: measureOrgans(registry.organs, inputs), from, statuses };
    skipped = [...skipped, ...measureSkipped];
  }
  const out = reviewOrgans({ registry, source: paths.registry, reviewedAt: nowRfc3339(), staleAfterDays, registryStatus: status, skipped, ...(measured ? { measured } : {}) });
  emitSidecar(sidecar, () => organReviewBundle(out, rawRef('organ-review-output', `organ review:${paths.registry}`, out)));
  printJson(out);
}

export interface SuggestFlags extends PathFlags {
  selfState?: string;
  evidenceBundle?: string;
}

export async function runSuggest(flags: SuggestFlags): Promise<void> {
  const paths = organPaths(flags);
  const selfStatePath = flags.selfState === undefined ? undefined : resolve(flags.selfState);
  const sidecar = prepareSidecar(flags.evidenceBundle, { inputs: [...ledgerInputs(paths), ...(selfStatePath ? [selfStatePath] : [])] });
  const selfState = selfStatePath === undefined ? undefined : await loadSelfState(selfStatePath);
  // The registry first: a problem with it is the one to name (the same memory dir usually holds all three).
  const reg = await loadRegistry(paths.registry);
  const [promotions, generations] = await Promise.all([loadPromotions(paths.promotions), loadGenerations(paths.generations)]);
  const out = suggestOrgans({
    registry: reg.registry,
    promotions: promotions.items,
    generations: generations.items,
    reviewedAt: nowRfc3339(),
    sources: { registry: paths.registry, promotions: paths.promotions, generations: paths.generations },
    statuses: { registry: reg.status, promotions: promotions.status, generations: generations.status },
    skipped: skippedLimits(reg, promotions, generations),
    ...(selfState && selfStatePath
      ? { selfState: { source: selfStatePath, organs: selfState.organs, status: selfState.organs ? `loaded:${selfState.organs.length}` : 'missing:genome.organs' } }
      : {}),
  });
  emitSidecar(sidecar, () => organSuggestBundle(out, rawRef('organ-registry-suggestion-output', `organ suggest:${paths.registry}`, out)));
  printJson(out);
}

/** Every ledger of the memory dir is an input for the sidecar guard, read or not: a bundle must never take a ledger's place. */
function ledgerInputs(paths: OrganPaths): string[] {
  return [paths.registry, paths.promotions, paths.generations, paths.verifications];
}

/** The sidecar is written before stdout, so a failed write prints nothing (exit 1). */
function emitSidecar(target: SidecarTarget | undefined, bundle: () => EvidenceBundle): void {
  if (!target) return;
  const written = writeSidecar(target, bundle());
  getLogger().info({ evidence_bundle: written.path, sha256: written.sha256 }, 'wrote evidence bundle');
}
