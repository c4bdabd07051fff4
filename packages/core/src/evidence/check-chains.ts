import { describeError } from '../cli-kit/errors.js';
import type { LedgerProblem } from '../ledger/ledger-report.js';
import { verifyLedger } from '../ledger/verify.js';
import type { ChainCheck } from './check-report.js';

/** A ledger a bundle cites a record from, and the last line of it a cited record is on. */
export interface CitedLedger {
  /** The ledger as the bundle names it, and the file read (they differ with --memory-dir). */
  ledger: string;
  readFrom: string;
  line: number;
}

/**
 * Checks the hash chain of every ledger a bundle's records were read from, from its first line to
 * the last cited one, with `ledger verify`'s own verifier (and the ledger's checkpoint when it has
 * one). A record line is evidence only as part of its chain: a line edited, deleted, inserted or
 * moved before it leaves the record's bytes, and so its digest, as they were, and the bundle
 * matched a history that is no longer the one appended. Problems after the cited line are not
 * this bundle's (`ledger verify` reports them). A ledger that cannot be verified at all is
 * `missing`, never matched.
 */
export async function checkChains(ledgers: readonly CitedLedger[]): Promise<ChainCheck[]> {
  const out: ChainCheck[] = [];
  for (const cited of ledgers) out.push(await checkChain(cited));
  return out;
}

async function checkChain(cited: CitedLedger): Promise<ChainCheck> {
  const { ledger, readFrom, line } = cited;
  const base = { id: `ledger:${ledger}`, ledger, ...(readFrom === ledger ? {} : { read_from: readFrom }), up_to_line: line };
  let problems: LedgerProblem[];
  try {
    problems = (await verifyLedger(readFrom)).problems.filter((p) => p.line <= line);
  } catch (e) {
    return { ...base, status: 'missing', reason: `the hash chain of ${readFrom} cannot be verified: ${describeError(e)}` };
  }
  if (problems.length === 0) return { ...base, status: 'matched', reason: `the hash chain verifies from line 1 to line ${line}, the last cited record` };
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''} up to that line)` : '';
  return {
    ...base,
    status: 'differs',
    reason: `the hash chain of ${readFrom} is broken at or before line ${line}, the last cited record: ${readFrom}:${first.line}: ${first.kind}: ${first.message}${more}`,
    problems,
  };
}
