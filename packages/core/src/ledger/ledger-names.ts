import { basename } from 'node:path';

/**
 * Whether a path is named like a ledger or a file kept beside one: `*.jsonl` (every ledger,
 * LEDGERS in schemas/ledgers.ts, and any renamed copy), and `<ledger>.jsonl.<suffix>` (its
 * checkpoint, lock, lock owner and quarantine files). The one rule for outputs that would
 * replace or create such a file with something else (a view, a checkpoint, an evidence bundle):
 * a ledger not created yet would then exist with a foreign first line, and every later append
 * to it would be refused. Returns the offending base name, or undefined.
 */
export function ledgerLikeName(path: string): string | undefined {
  const name = basename(path);
  return /\.jsonl(\.|$)/.test(name) ? name : undefined;
}
