import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAX_DOCUMENT_FILE_BYTES, readBoundedFile, selfStateUnreadable } from '@autopoietic/core/adapters';
import { sha256 } from '@autopoietic/core/canonical';
import { usageError } from '@autopoietic/core/cli-kit';
import { ledgerPath, resolveGenomeRoot, resolveMemoryDir, verifyLedger, type SkippedLine } from '@autopoietic/core/ledger';
import { EvidenceBundle, SelfState } from '@autopoietic/core/schemas';
import { pendingDir } from '../../candidate/queue.js';
import { evidenceLedgerBroken, loadEvidenceRecords } from '../../pipeline/evidence-ledger.js';
import { readProposal } from '../../proposal/read.js';
import { readPatch, type History, type HistoryLedgers } from './history.js';
import type { MutationContext } from './mutation-facts.js';
import { placeOf, type Places } from './refs.js';
import { checkSelfStateMatches } from './self-state-match.js';
import type { ObservedState } from './state-facts.js';

/**
 * Reading what a hand-off is made from: where the genome and memory are, the self-state (a file
 * from `os-introspect --output`, or os-introspect's library in-process), the ledgers and the
 * evidence bundles of a mutation.
 */
export interface Where {
  root?: string | undefined;
  memoryDir?: string | undefined;
  etcDir?: string | undefined;
  cwd?: string | undefined;
}

export interface Located extends Places {
  etcDir: string | undefined;
  cwd: string;
  ledgers: HistoryLedgers & { promotions: string };
}

export function locate(w: Where): Located {
  const cwd = w.cwd ?? process.cwd();
  let root = resolveGenomeRoot({ root: w.root, cwd });
  try {
    root = realpathSync(root);
  } catch {
    throw usageError('root-missing', `genome root ${root} does not exist`, 'Pass --root with the directory that holds the genome (its flake.nix).');
  }
  const opts = { root, memoryDir: w.memoryDir, etcDir: w.etcDir, cwd };
  const memoryDir = resolveMemoryDir(opts).dir;
  return {
    root,
    memoryDir,
    etcDir: w.etcDir,
    cwd,
    ledgers: { lineage: ledgerPath('lineage', undefined, opts), results: ledgerPath('results', undefined, opts), promotions: ledgerPath('promotions', undefined, opts) },
  };
}

/** The self-state: from `file` when given (validated), else observed now by os-introspect. */
export async function observe(loc: Located, file: string | undefined): Promise<ObservedState> {
  if (file !== undefined) {
    const read = readBoundedFile(resolve(loc.cwd, file), MAX_DOCUMENT_FILE_BYTES);
    if (!read.ok) throw selfStateUnreadable(file, read);
    let raw: unknown;
    try {
      raw = JSON.parse(read.bytes.toString('utf8'));
    } catch (e) {
      throw usageError('self-state-unreadable', `--self-state ${file}: ${(e as Error).message}`, 'Write one with `os-introspect --output FILE`.');
    }
    const parsed = SelfState.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
      throw usageError('self-state-invalid', `--self-state ${file} is not a valid self-state: ${issues.join('; ')}`, 'Write it with the os-introspect of this version (`os-introspect --output FILE`).');
    }
    checkSelfStateMatches(parsed.data, loc.root, file);
    return { state: parsed.data, source: `self-state-file:${file.split('/').pop()}` };
  }
  const { introspect } = await import('@autopoietic/os-introspect');
  const state = await introspect({ root: loc.root, memoryDir: loc.memoryDir, ...(loc.etcDir ? { etcDir: loc.etcDir } : {}), cwd: loc.cwd });
  return { state, source: 'os-introspect' };
}

/**
 * Digest of the attempt ledger's head line (sha256 of nothing when it has none), which the
 * hand-off cites as its evidence that no attempt is carried. Checked as `ledger verify` checks
 * it, against its checkpoint when it has one: read with `checkpoint: false`, a ledger whose last
 * attempts were cut off (a restored backup) was cited by the head it was cut back to, and a
 * broken hash chain by the last line before the break, and the hand-off went to the generator
 * as if that history were whole. A torn last line is no damage (the reads note it in limits).
 */
export async function lineageHead(loc: Located): Promise<string> {
  const file = loc.ledgers.lineage;
  const report = await verifyLedger(file, 'lineage-attempt');
  const damage = report.status === 'broken' ? report.problems.find((p) => p.kind !== 'torn-tail') : undefined;
  if (damage) throw evidenceLedgerBroken(file, 'attempt', damage);
  return report.head?.digest ?? sha256('');
}

/** An existing mutation: its proposal (given, or mutations/pending/<id>/proposal.json), P1/P2 records and evidence bundles. */
export async function mutationContext(loc: Located, mutationId: string, proposalFile: string | undefined, skipped?: SkippedLine[]): Promise<MutationContext> {
  const file = proposalFile ?? join(pendingDir(loc.root), mutationId, 'proposal.json');
  const read = readProposal(file, loc.cwd);
  if (!read.ok) throw usageError('proposal-unreadable', `cannot use the proposal of ${mutationId}: ${read.reason}`, 'Pass --proposal with the proposal.json of the mutation.');
  if (read.proposal.mutation_id !== mutationId) {
    throw usageError('proposal-mismatch', `${read.path} is mutation ${read.proposal.mutation_id}, not ${mutationId}`, 'Pass the proposal that belongs to --mutation-id.');
  }
  // Checked as promote checks them: read alone, an edited or reordered ledger's records went to
  // the generator as observed P1/P2 outcomes.
  const verifications = (await loadEvidenceRecords(loc.ledgers.results, 'mutation-result', 'verification', skipped)).filter((v) => v.mutation_id === mutationId);
  const promotions = (await loadEvidenceRecords(loc.ledgers.promotions, 'mutation-promotion', 'promotion', skipped)).filter((p) => p.mutation_id === mutationId);
  return {
    proposal: read.proposal,
    proposalPath: read.path,
    proposalBytes: read.bytes,
    patch: readPatch(read.path),
    verifications,
    promotions,
    bundles: evidenceBundles(join(loc.memoryDir, 'evidence'), mutationId),
    resultsSource: placeOf(loc.ledgers.results, loc),
    promotionsSource: placeOf(loc.ledgers.promotions, loc),
  };
}

/** Evidence bundles under `<memory>/evidence/` (one level deep) about this mutation; others and unreadable files are skipped. */
function evidenceBundles(dir: string, mutationId: string): { path: string; bundle: EvidenceBundle }[] {
  const out: { path: string; bundle: EvidenceBundle }[] = [];
  const files: string[] = [];
  const list = (d: string) => {
    try {
      return readdirSync(d, { withFileTypes: true });
    } catch {
      return [];
    }
  };
  for (const e of list(dir)) {
    if (e.isFile() && e.name.endsWith('.json')) files.push(join(dir, e.name));
    else if (e.isDirectory()) for (const f of list(join(dir, e.name))) if (f.isFile() && f.name.endsWith('.json')) files.push(join(dir, e.name, f.name));
  }
  for (const path of files.sort()) {
    try {
      const parsed = EvidenceBundle.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (parsed.success && parsed.data.subject.mutation_id === mutationId) out.push({ path, bundle: parsed.data });
    } catch {
      /* not a bundle */
    }
  }
  return out;
}

export type { History };
