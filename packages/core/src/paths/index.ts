// Where things live (genome root, memory and etc directories, ledger files), without the rest of
// the ledger code: importing this loads no zod, for CLIs whose start-up must stay small.
export * from '../ledger/paths.js';
export { LEDGERS, type LedgerKind } from '../schemas/ledgers.js';
