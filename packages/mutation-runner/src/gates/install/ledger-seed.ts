import { canonicalJson, sha256 } from '@autopoietic/core/canonical';

/**
 * Seeded ledgers are real ledgers: each line carries `chain: {seq, prev}` exactly as the ledger
 * writer links them (seq from 1; prev = sha256 of the previous line's bytes, or of "" for the
 * first line), so `mutation-journal ledger verify` accepts the installed memory directory and the
 * installed system can keep appending to it. The chain of the planning host's ledger is dropped:
 * the seed starts a new ledger.
 */

export function withoutChain<T extends object>(record: T): Omit<T, 'chain'> {
  const { chain: _chain, ...rest } = record as T & { chain?: unknown };
  return rest;
}

/** Canonical JSON lines, chained from seq 1, each ending in a newline. */
export function ledgerSeedText(records: readonly object[]): string {
  let prev = sha256('');
  let out = '';
  records.forEach((record, i) => {
    const line = canonicalJson({ ...withoutChain(record), chain: { seq: i + 1, prev } });
    out += `${line}\n`;
    prev = sha256(line);
  });
  return out;
}

/** Parses JSONL text into objects; a malformed line is reported with its 1-based number. */
export function parseJsonLines(text: string, where: string): { line: number; value: unknown }[] {
  const out: { line: number; value: unknown }[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    try {
      out.push({ line: i + 1, value: JSON.parse(raw) });
    } catch (e) {
      throw new Error(`${where}:${i + 1}: not valid JSON (${(e as Error).message})`);
    }
  });
  return out;
}
