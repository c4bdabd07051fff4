import type { ChainLink } from '../schemas/common.js';
import { describeIssues } from '../schemas/issues.js';
import { SCHEMAS } from '../schemas/registry.js';
import { chainOf, lineDigest } from './chain.js';
import type { LedgerSchemaName } from './validate.js';

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
  chain: ChainLink | undefined;
  /** Schema problems; empty when valid or when no schema applies. */
  issues: string[];
}

export function analyzeLine(no: number, offset: number, bytes: Buffer, terminated: boolean, schema: LedgerSchemaName | null): LineFacts {
  const digest = lineDigest(bytes);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { no, offset, terminated, digest, json: false, chain: undefined, issues: [] };
  }
  let issues: string[] = [];
  if (schema) {
    const result = SCHEMAS[schema].safeParse(value);
    if (!result.success) issues = describeIssues(result.error);
  }
  return { no, offset, terminated, digest, json: true, chain: chainOf(value), issues };
}
