/**
 * Wire vocabularies: the enum values of the records, as plain constants.
 *
 * They live apart from the zod schemas (which build their `z.enum`s from these arrays) so that a
 * CLI can offer them as flag choices in `--help` without loading zod: the values have one home,
 * and `mutation-journal --help` stays about as fast as starting Node.
 */
export * from './journal.js';
export * from './organ.js';
export * from './policy.js';
export * from './organ-name.js';
export * from './ledger-access.js';
export * from './generation-parent.js';
