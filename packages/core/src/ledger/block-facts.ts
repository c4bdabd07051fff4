import { analyzeLine, type LineFacts } from './line-facts.js';
import { forEachLine, isBlank } from './lines.js';
import type { RecordCheck } from './record-check.js';

/**
 * A block of complete ledger lines analysed at once (by a verify worker thread, or by the main
 * thread taking its share): the facts of each non-blank line in a compact, transferable form.
 */
export interface BlockRequest {
  id: number;
  buf: ArrayBuffer;
  firstNo: number;
  baseOffset: number;
}

export interface BlockResult {
  id: number;
  blank: number;
  nos: Float64Array;
  offsets: Float64Array;
  /** bit 0: valid JSON; bit 1: has a chain link; bit 2: ends with CR; bit 3: starts with a BOM; bits 4-5: what follows it (0 JSON, 1 other, 2 nothing). */
  flags: Uint8Array;
  seqs: Float64Array;
  /** n * 64 hex digits: each line's digest, then each line's chain prev (zeros when absent). */
  digests: string;
  prevs: string;
  issues: Array<[number, string[]]>;
}

/**
 * The facts of a block's lines. `explainLater` receives the values the check refused without
 * explaining them (a worker's check has no zod): it fills in their issues before the result is sent.
 */
export async function analyzeBlock(req: BlockRequest, check: RecordCheck | null, explainLater: () => Promise<(value: unknown) => string[]>): Promise<BlockResult> {
  const facts: LineFacts[] = [];
  let blank = 0;
  const chunk = { data: Buffer.from(req.buf), base: req.baseOffset, firstNo: req.firstNo, lines: 0, final: false };
  forEachLine(chunk, (no, offset, bytes) => {
    if (isBlank(bytes)) blank++;
    else facts.push(analyzeLine(no, offset, bytes, true, check));
  });
  const refused = facts.filter((f) => f.unexplained !== undefined);
  if (refused.length) {
    const explain = await explainLater();
    for (const f of refused) {
      f.issues = explain(f.unexplained);
      f.unexplained = undefined;
    }
  }
  return encode(req.id, blank, facts);
}

function encode(id: number, blank: number, facts: LineFacts[]): BlockResult {
  const n = facts.length;
  const out: BlockResult = {
    id,
    blank,
    nos: new Float64Array(n),
    offsets: new Float64Array(n),
    flags: new Uint8Array(n),
    seqs: new Float64Array(n),
    digests: '',
    prevs: '',
    issues: [],
  };
  const digests: string[] = [];
  const prevs: string[] = [];
  facts.forEach((f, i) => {
    out.nos[i] = f.no;
    out.offsets[i] = f.offset;
    out.flags[i] = (f.json ? 1 : 0) | (f.chain ? 2 : 0) | (f.cr ? 4 : 0) | (f.bom ? 8 : 0) | (f.bom === 'other' ? 16 : f.bom === 'nothing' ? 32 : 0);
    out.seqs[i] = f.chain?.seq ?? 0;
    digests.push(f.digest.slice(7));
    prevs.push(f.chain ? f.chain.prev.slice(7) : '0'.repeat(64));
    if (f.issues.length) out.issues.push([i, f.issues]);
  });
  out.digests = digests.join('');
  out.prevs = prevs.join('');
  return out;
}
