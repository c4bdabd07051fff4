import { verifyLedger } from '@autopoietic/core/ledger';
import { LEDGERS, type LedgerKind, type MemoryState } from '@autopoietic/core/schemas';
import { join } from 'node:path';

/**
 * The memory directory and the health of every ledger in it, from the core ledger verifier
 * (JSON, schema and hash chain of every line). Observation never fails on a broken ledger: that
 * is exactly what it is here to report.
 */
export async function observeMemory(dir: string, source: MemoryState['source']): Promise<MemoryState> {
  const kinds = Object.keys(LEDGERS) as LedgerKind[];
  const ledgers = await Promise.all(kinds.map((kind) => ledgerHealth(kind, join(dir, LEDGERS[kind].file))));
  return { root: dir, source, ledgers };
}

async function ledgerHealth(kind: LedgerKind, path: string): Promise<MemoryState['ledgers'][number]> {
  try {
    const r = await verifyLedger(path, LEDGERS[kind].schema, { checkpoint: undefined });
    const first = r.problems[0];
    return {
      kind,
      path,
      exists: r.exists,
      lines: r.lines,
      status: r.status,
      head_seq: r.head?.seq ?? null,
      problems: r.problems.length,
      ...(first ? { first_problem: `line ${first.line}: ${first.message}` } : {}),
    };
  } catch (e) {
    return { kind, path, exists: true, lines: 0, status: 'broken', head_seq: null, problems: 1, first_problem: e instanceof Error ? e.message : String(e) };
  }
}
