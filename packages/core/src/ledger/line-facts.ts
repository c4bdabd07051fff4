import type { ChainLink } from '../schemas/common.js';
import { chainShapeOf, lineDigest } from './chain.js';
import { afterBom, endsWithCr, startsWithBom, type BomRest } from './line-marks.js';
import type { RecordCheck } from './record-check.js';

/**
 * What `ledger verify` needs to know about one non-blank line, computed independently of every
 * other line (so it can run on worker threads): its digest, whether it is JSON, its chain link,
 * and its schema problems. The order-dependent chain rules then run over these facts in order.
 */
export interface LineFacts {
  no: number;
  offset: number;
  terminated: boolean;
  digest: string;
  json: boolean;
  /** The chain link's shape (chainShapeOf): whether `prev` is hex is checked against the chain (ChainChecker.wellFormed). */
  chain: ChainLink | undefined;
  /** Schema problems; empty when valid or when no schema applies. */
  issues: string[];
  /** A value the schema refused, kept for an explanation when the check could not give one here. */
  unexplained?: unknown;
  /** The line starts with a UTF-8 byte-order mark: what follows it (line-marks.ts). */
  bom?: BomRest;
  /** The line ends with CR (its line ending was converted to CR LF). */
  cr?: boolean;
  /** The parsed line, when asked for (verifyLedger's onRecord): read once, not again by a reader. */
  value?: unknown;
}

export function analyzeLine(no: number, offset: number, bytes: Buffer, terminated: boolean, check: RecordCheck | null, keepValue = false): LineFacts {
  const digest = lineDigest(bytes);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    const facts: LineFacts = { no, offset, terminated, digest, json: false, chain: undefined, issues: [] };
    if (startsWithBom(bytes)) facts.bom = afterBom(bytes);
    return facts;
  }
  const facts: LineFacts = { no, offset, terminated, digest, json: true, chain: chainShapeOf(value), issues: [] };
  if (endsWithCr(bytes)) facts.cr = true; // JSON.parse reads a trailing CR as whitespace
  if (keepValue) facts.value = value;
  if (check && !check.accepts(value)) {
    if (check.explain) facts.issues = check.explain(value);
    else facts.unexplained = value;
  }
  return facts;
}
