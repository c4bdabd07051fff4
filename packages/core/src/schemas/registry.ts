import type { z } from 'zod';
import { CheckResult } from './check.js';
import { EffectRecord } from './effect.js';
import { EvidenceBundle } from './evidence.js';
import { GenerationRecord } from './generation.js';
import { Handoff } from './handoff.js';
import { HostIdentity, HostPolicy, ObservationConfig } from './host-policy.js';
import { LedgerCheckpoint } from './ledger.js';
import { LineageAttempt } from './lineage.js';
import { InstallPlanOutput, InstallSeedFilePlan, InstallSeedManifest, InstallVerifyOutput, PlannedEffect } from './install.js';
import { MutationRecord } from './mutation.js';
import { OrganRecord, OrganRegistrySuggestionOutput, OrganReviewOutput } from './organ.js';
import { MutationPromotionRecord } from './promotion.js';
import { MutationProposal } from './proposal.js';
import { SelfState } from './self-state.js';
import { MutationVerificationRecord } from './verification.js';

/**
 * Every named record shape, in one list. `memory/<name>.schema.json` is generated from this map
 * (packages/core/scripts/generate-schemas.ts) and a test keeps the two in step.
 */
export const SCHEMAS = {
  'mutation-proposal': MutationProposal,
  'check-result': CheckResult,
  'mutation-result': MutationVerificationRecord,
  'mutation-promotion': MutationPromotionRecord,
  generation: GenerationRecord,
  'install-plan': InstallPlanOutput,
  'install-seed-manifest': InstallSeedManifest,
  'install-seed-file': InstallSeedFilePlan,
  'planned-effect': PlannedEffect,
  'install-verify': InstallVerifyOutput,
  effect: EffectRecord,
  mutation: MutationRecord,
  organ: OrganRecord,
  'organ-review': OrganReviewOutput,
  'organ-registry-suggestion': OrganRegistrySuggestionOutput,
  'evidence-bundle': EvidenceBundle,
  'self-state': SelfState,
  'host-policy': HostPolicy,
  'host-identity': HostIdentity,
  'observation-config': ObservationConfig,
  'ledger-checkpoint': LedgerCheckpoint,
  'lineage-attempt': LineageAttempt,
  handoff: Handoff,
} satisfies Record<string, z.ZodType>;

export type SchemaName = keyof typeof SCHEMAS;

/** The ledgers: kind -> default file name and the record schema of its lines (zod-free module). */
export { LEDGERS, type LedgerKind } from './ledgers.js';

export const SCHEMA_ID_BASE = 'https://autopoietic-os.local/schemas/';
