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
  const c = chainShapeOf(value);
  return c && isSha256(c.prev) ? c : undefined;
}

/**
 * `chain` with a well-typed seq and a `prev` of the right length and prefix, its 64 hex digits
 * not yet checked: verify checks them only when `prev` is not the digest it expects (a digest
 * it computed is well formed by construction), which saves a scan of every line's `prev`.
 */
export function chainShapeOf(value: unknown): ChainLink | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const c = (value as { chain?: unknown }).chain;
  if (typeof c !== 'object' || c === null) return undefined;
  const { seq, prev } = c as { seq?: unknown; prev?: unknown };
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  if (typeof prev !== 'string' || prev.length !== 71 || !prev.startsWith('sha256:')) return undefined;
  return { seq, prev };
}

/** `sha256:` and 64 lowercase hex digits. */
export function isSha256(s: string): boolean {
  if (s.length !== 71 || !s.startsWith('sha256:')) return false;
  for (let i = 7; i < 71; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
