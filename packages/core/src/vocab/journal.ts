/**
 * Journal vocabularies (mutations, effects, lineage), as plain constants: the zod schemas build
 * their enums from these, and `mutation-journal append|effect|generation --help` lists them
 * without loading zod.
 */
/** Status of a mutation journal entry (`mutations.jsonl`). */
export const MUTATION_STATUSES = ['pending', 'accepted', 'failed', 'reverted'] as const;

/** Severity class of an effect or side effect; shared by effects, proposals and plans. */
export const RISKS = ['low', 'medium', 'high', 'irreversible'] as const;

/** Status of a lineage node (`generations.jsonl`). `reverted` is ours: install-revert appends it. */
export const LINEAGE_STATUSES = ['planned', 'installed', 'failed', 'reverted'] as const;
