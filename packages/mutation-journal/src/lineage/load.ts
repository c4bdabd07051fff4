import { AosError, shellQuote } from '@autopoietic/core/cli-kit';
import { loadRecords, verifiedRecords, type StoredRecord } from '@autopoietic/core/ledger';
import { LEDGERS, type LedgerKind } from '@autopoietic/core/schemas';
import { buildLineage, type LedgerNames, type LineageRecords } from './build.js';
import { ledgerFile, memoryDir, refuseOtherKind, type LocationFlags } from '../journal/locate.js';
import type { LedgerSource, LineageView } from './model.js';

/** Explicit ledger files (each beats the memory directory for its ledger). */
export interface LineagePaths {
  lineageJournal?: string | undefined;
  mutationJournal?: string | undefined;
  verificationJournal?: string | undefined;
  promotionJournal?: string | undefined;
  generationJournal?: string | undefined;
  effectJournal?: string | undefined;
}

const INPUTS = [
  ['attempts', 'lineage', 'lineageJournal'],
  ['mutations', 'mutations', 'mutationJournal'],
  ['verifications', 'results', 'verificationJournal'],
  ['promotions', 'promotions', 'promotionJournal'],
  ['generations', 'generations', 'generationJournal'],
  ['effects', 'effects', 'effectJournal'],
] as const satisfies readonly (readonly [keyof LineageRecords, LedgerKind, keyof LineagePaths])[];

export type Where = Omit<LocationFlags, 'path'>;

/** The input ledger files, resolved through core's one path order (journal/locate.ts), each of its own kind. */
export function lineageInputs(paths: LineagePaths, where: Where): { key: keyof LineageRecords; kind: LedgerKind; path: string }[] {
  return INPUTS.map(([key, kind, flag]) => {
    const path = ledgerFile(kind, { ...where, ...(paths[flag] === undefined ? {} : { path: paths[flag] }) });
    refuseOtherKind(`--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, path, kind);
    return { key, kind, path };
  });
}

/**
 * Reads the six ledgers and builds the view. Each ledger is verified as it is read, against its
 * checkpoint when it has one (as `ledger verify` does): a broken one (bad line, broken hash chain,
 * lines cut from the end below the checkpoint) is an error, because a picture drawn from damaged
 * or missing records would look trustworthy; a torn final line (an append that never finished)
 * is skipped and shown in the source's `status` and `problems`.
 */
export async function loadLineage(paths: LineagePaths, where: Where): Promise<LineageView> {
  const records = {} as Record<keyof LineageRecords, StoredRecord[]>;
  const names = {} as LedgerNames;
  const sources: LedgerSource[] = [];
  for (const input of lineageInputs(paths, where)) {
    const schema = LEDGERS[input.kind].schema;
    const { report, records: read } = await verifiedRecords(input.path, schema);
    if (report.status === 'broken') {
      const first = report.problems[0];
      throw new AosError('ledger-broken', `${input.path}: ledger is damaged (${report.problems.length} problem(s); first at line ${first?.line}: ${first?.message})`, {
        // With --kind: a ledger of a name of its own is then checked against the schema lineage reads it with.
        hint: `Inspect it with \`mutation-journal ledger verify --kind ${input.kind} --path ${shellQuote(input.path)}\`; the lineage view is only drawn from intact ledgers.`,
      });
    }
    // A torn tail (or another problem short of broken): the reader skips it and says so.
    const list = !report.exists ? [] : report.problems.length ? await loadRecords(input.path, schema) : read.map((r) => r.record);
    records[input.key] = list;
    names[input.key] = input.path;
    sources.push({
      kind: input.kind,
      path: input.path,
      exists: report.exists,
      records: list.length,
      status: report.status,
      head: report.head ? { seq: report.head.seq, digest: report.head.digest } : null,
      problems: report.problems.map((p) => `line ${p.line}: ${p.message}`),
    });
  }
  return buildLineage(records as unknown as LineageRecords, names, memoryDir(where), sources);
}
