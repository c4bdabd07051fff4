import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { boundTail } from '@autopoietic/core/adapters';
import { usageError } from '@autopoietic/core/cli-kit';
import { loadRecords, type SkippedLine, type StoredRecord } from '@autopoietic/core/ledger';
import { loadEvidenceRecords } from '../../pipeline/evidence-ledger.js';
import { resolvePatchSource } from '../../proposal/patch-source.js';
import { readProposal } from '../../proposal/read.js';

/**
 * Earlier attempts, read back from the ledgers: an attempt, the P1 record of its proposal, the
 * patch it proposed and the tail of its generator's stderr. A hand-off carries the ancestry of
 * the attempt being made (its parent, the parent's parent, ...), newest last.
 */
export interface HistoryItem {
  attempt: StoredRecord<'lineage-attempt'>;
  verification?: StoredRecord<'mutation-result'> | undefined;
  patch?: { text: string; path: string } | undefined;
  generatorStderrTail?: string | undefined;
}

export interface History {
  items: HistoryItem[];
  /** Older ancestors not carried (beyond `max`). */
  omitted: number;
}

export const MAX_ANCESTORS = 5;
const GENERATOR_TAIL_BYTES = 4096;
const MAX_PATCH_READ = 256 * 1024;

export interface HistoryLedgers {
  lineage: string;
  results: string;
}

/** Receives the lines a read left out (a torn last line), for the hand-off's limits. */
export type Skipped = SkippedLine[] | undefined;

/** The ancestry of `attemptId` (itself included), oldest first. */
export async function loadAncestry(ledgers: HistoryLedgers, attemptId: string, max = MAX_ANCESTORS, skipped?: Skipped): Promise<History> {
  return ancestryIn(await loadRecords(ledgers.lineage, 'lineage-attempt', { skipped }), ledgers, attemptId, max, skipped);
}

/** loadAncestry over the attempts already read from `ledgers.lineage`. */
async function ancestryIn(attempts: StoredRecord<'lineage-attempt'>[], ledgers: HistoryLedgers, attemptId: string, max: number, skipped: Skipped): Promise<History> {
  const byId = new Map(attempts.map((a) => [a.attempt_id, a]));
  if (!byId.has(attemptId)) {
    throw usageError('attempt-unknown', `attempt ${attemptId} is not in ${ledgers.lineage}`, 'List attempts with `mutation-journal lineage --format json`, or check --memory-dir.');
  }
  const chain: StoredRecord<'lineage-attempt'>[] = [];
  const seen = new Set<string>();
  for (let cur = byId.get(attemptId); cur && !seen.has(cur.attempt_id); cur = cur.parent_attempt_id ? byId.get(cur.parent_attempt_id) : undefined) {
    seen.add(cur.attempt_id);
    chain.push(cur);
  }
  chain.reverse();
  const kept = chain.slice(-max);
  // The P1 records an attempt cites are checked as promote checks them (an edited one was carried).
  const results = await loadEvidenceRecords(ledgers.results, 'mutation-result', 'verification', skipped);
  const verifications = new Map(results.map((v) => [v.verification_id, v]));
  return { items: kept.map((a) => historyItem(a, verifications)), omitted: chain.length - kept.length };
}

/** The ancestry of the latest attempt made for exactly this goal, or an empty history. */
export async function loadGoalHistory(ledgers: HistoryLedgers, goal: string, max = MAX_ANCESTORS, skipped?: Skipped): Promise<History> {
  const attempts = await loadRecords(ledgers.lineage, 'lineage-attempt', { skipped });
  const latest = attempts.filter((a) => a.goal === goal).pop();
  // The lineage ledger is read once (it was read again for the ancestry, warning twice of a torn line).
  return latest ? ancestryIn(attempts, ledgers, latest.attempt_id, max, skipped) : { items: [], omitted: 0 };
}

function historyItem(attempt: StoredRecord<'lineage-attempt'>, verifications: Map<string, StoredRecord<'mutation-result'>>): HistoryItem {
  return {
    attempt,
    verification: attempt.verification_id ? verifications.get(attempt.verification_id) : undefined,
    patch: attempt.proposal_path ? readPatch(attempt.proposal_path) : undefined,
    generatorStderrTail: attempt.generator_run?.stderr_log ? readTail(attempt.generator_run.stderr_log.path, GENERATOR_TAIL_BYTES) : undefined,
  };
}

/** The patch of a proposal file, read with verify's own rules; undefined when it is gone or refused. */
export function readPatch(proposalPath: string): { text: string; path: string } | undefined {
  const read = readProposal(proposalPath);
  if (!read.ok) return undefined;
  const source = resolvePatchSource(read.proposal, read.dir);
  if (!source.ok || source.bytes.length > MAX_PATCH_READ) return undefined;
  return { text: source.text, path: source.path ?? proposalPath };
}

/** The last `bytes` of a file as text (undefined when it cannot be read). */
export function readTail(path: string, bytes: number): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const len = Math.min(size, bytes);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    return boundTail(buf.toString('utf8'), bytes);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
