import { createHash, hash } from 'node:crypto';
import type { ChainLink } from '../schemas/common.js';

/**
 * The hash chain of a ledger (docs/ledger.md). Line n (1-based, blank lines not counted) carries
 * `chain: {seq: n, prev: digest(line n-1)}`; the first line's `prev` is GENESIS_PREV. A line's
 * digest is sha256 over its exact bytes without the trailing newline, so verifying never
 * re-serializes JSON: what was written is what is hashed.
 */
export const GENESIS_PREV = `sha256:${createHash('sha256').update('').digest('hex')}`;

/** The last line of a ledger, as far as the chain is concerned. */
export interface ChainHead {
  seq: number;
  digest: string;
}

/** sha256 of a line's bytes (one-shot crypto.hash: several times cheaper per line than createHash). */
export function lineDigest(bytes: Uint8Array): string {
  return `sha256:${hash('sha256', bytes, 'hex')}`;
}

/** The link the next line must carry after `head` (null: empty ledger). */
export function nextLink(head: ChainHead | null): ChainLink {
  return head ? { seq: head.seq + 1, prev: head.digest } : { seq: 1, prev: GENESIS_PREV };
}

/** Reads `chain` from a parsed line without trusting its shape. */
export function chainOf(value: unknown): ChainLink | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = (value as { chain?: unknown }).chain;
  if (typeof c !== 'object' || c === null) return undefined;
  const { seq, prev } = c as { seq?: unknown; prev?: unknown };
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  if (typeof prev !== 'string' || !SHA256.test(prev)) return undefined;
  return { seq, prev };
}

const SHA256 = /^sha256:[0-9a-f]{64}$/;
