import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointPathFor, LEDGERS, type LedgerKind } from '@autopoietic/core/paths';
import type { MemoryState } from '@autopoietic/core/schemas';

type LedgerHealth = MemoryState['ledgers'][number];

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

async function ledgerHealth(kind: LedgerKind, path: string): Promise<LedgerHealth> {
  // Neither the ledger nor its checkpoint: the verifier would only say `missing`, so it is not
  // loaded (it brings zod and the schemas with it; a fresh memory directory needs neither).
  if (!present(path) && !present(checkpointPathFor(path))) return { kind, path, exists: false, lines: 0, status: 'missing', head_seq: null, problems: 0 };
  const { checkLedgerHealth, NOT_READABLE } = await import('@autopoietic/core/ledger');
  try {
    const r = await checkLedgerHealth(path, LEDGERS[kind].schema, { checkpoint: undefined });
    // A ledger this user may not read is not known to be damaged (see the pain points).
    if (r.status === 'unreadable') return { kind, path, exists: r.exists, lines: 0, status: 'unreadable', head_seq: null, problems: 1, first_problem: `${NOT_READABLE} (${r.errno})` };
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
    // Not a ledger file (a directory, a symlink loop): named as the verifier names it.
    return { kind, path, exists: true, lines: 0, status: 'broken', head_seq: null, problems: 1, first_problem: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Whether anything is at the path, itself (not what a symlink points at): only "no such entry"
 * is absent. A symlink loop, or a memory dir that is a file or cannot be searched, is for the
 * verifier to name; existsSync said `false` for those, and the ledger was reported missing.
 */
function present(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
