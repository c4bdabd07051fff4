import { scanLines } from './lines.js';

/** The fields that name a gate record in its ledger (P1 and P2: docs/evidence.md, "Checking a bundle"). */
const RECORD_ID_FIELDS = ['verification_id', 'promotion_id'] as const;

export type FoundLine =
  | { status: 'found'; line: number; value: Record<string, unknown> }
  | { status: 'missing'; reason: string }
  | { status: 'damaged'; reason: string };

/**
 * The line of `ledger` whose record id (RECORD_ID_FIELDS) is `id`, parsed. Reads the file as it
 * stands, without schema validation or chain checks (those are `ledger verify`'s): an edited line
 * must come back to be compared, not stop the read. Two lines with the id, or an unparsable line
 * that mentions it, are `damaged` (a record is appended once); a missing file or no such line is
 * `missing`; a file that cannot be read is `missing` with the errno, never a match.
 */
export async function findRecordLine(ledger: string, id: string): Promise<FoundLine> {
  const hits: { line: number; value: Record<string, unknown> }[] = [];
  const broken: number[] = [];
  const needle = Buffer.from(id, 'utf8');
  try {
    for await (const batch of scanLines(ledger)) {
      for (const raw of batch) {
        if (raw.blank || !raw.bytes.includes(needle)) continue;
        const value = parse(raw.bytes);
        if (value === undefined) broken.push(raw.no);
        else if (RECORD_ID_FIELDS.some((f) => value[f] === id)) hits.push({ line: raw.no, value });
      }
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { status: 'missing', reason: `ledger ${ledger} does not exist` };
    return { status: 'missing', reason: `ledger ${ledger} cannot be read (${code ?? (e as Error).message})` };
  }
  if (hits.length > 1) return { status: 'damaged', reason: `${hits.length} lines of ${ledger} carry id ${id} (lines ${hits.map((h) => h.line).join(', ')}); a record is appended once` };
  if (hits.length === 1) return { status: 'found', ...hits[0]! };
  if (broken.length) return { status: 'damaged', reason: `line ${broken[0]} of ${ledger} mentions ${id} but is not a JSON object` };
  return { status: 'missing', reason: `no line of ${ledger} carries id ${id} (deleted, or another ledger)` };
}

function parse(bytes: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
