import { Worker } from 'node:worker_threads';
import type { BlockRequest, BlockResult } from './block-facts.js';
import { analyzeLine, type LineFacts } from './line-facts.js';
import { forEachLine, isBlank, readChunks, type Chunk } from './lines.js';
import type { RecordCheck } from './record-check.js';
import type { LedgerSchemaName } from './validate.js';

/**
 * The per-line work of `ledger verify` (hash, JSON parse, schema) spread over this thread and
 * `threads - 1` workers. A block of complete lines goes to a worker with room (at most two
 * blocks in flight each); when every worker is busy, this thread analyses the block itself. So
 * the work balances by itself: on an idle machine all CPUs work, on a busy one (or with slow
 * workers) it degrades to the single-thread scan instead of waiting. Results are delivered
 * strictly in file order, so the chain rules see exactly what the single-thread scan sees, and
 * the number of blocks held is bounded, so memory stays flat whatever the file size.
 */
export interface FactSink {
  blank(count: number): void;
  facts(f: LineFacts): void;
}

type Result = BlockResult | { local: true; blank: number; facts: LineFacts[] };
interface Slot {
  promise: Promise<Result>;
  done?: Result;
}

const BLOCK = 1 << 20;
const PER_WORKER = 2;

export async function scanFactsParallel(path: string, size: number, schema: LedgerSchemaName | null, check: RecordCheck | null, threads: number, sink: FactSink): Promise<void> {
  const workerUrl = new URL('./verify-worker.js', import.meta.url);
  const workers = Array.from({ length: threads - 1 }, () => ({ worker: new Worker(workerUrl, { workerData: { schema } }), inFlight: 0 }));
  const pending = new Map<number, Slot>();
  const limit = threads * PER_WORKER + 2;
  let next = 0;
  const deliver = async (mustDrainTo: number): Promise<void> => {
    for (;;) {
      const slot = pending.get(next);
      if (!slot) return;
      if (!slot.done && pending.size <= mustDrainTo) return;
      const res = slot.done ?? (await slot.promise);
      pending.delete(next++);
      deliverResult(res, sink);
    }
  };
  try {
    let id = 0;
    for await (const chunk of readChunks(path, size, BLOCK)) {
      if (chunk.final) {
        await deliver(0);
        forEachLine(chunk, (no, offset, bytes) => sink.facts(analyzeLine(no, offset, bytes, false, check)));
        break;
      }
      await new Promise(setImmediate); // let finished workers report before choosing where this block goes
      const free = workers.find((w) => w.inFlight < PER_WORKER);
      let slot: Slot;
      if (free) {
        free.inFlight++;
        const promise = request(free.worker, blockOf(id, chunk)).finally(() => free.inFlight--);
        slot = { promise };
        void promise.then((r) => (slot.done = r), () => undefined);
      } else {
        const done = analyzeHere(chunk, check);
        slot = { promise: Promise.resolve(done), done };
      }
      pending.set(id++, slot);
      await deliver(limit);
    }
    await deliver(0);
  } finally {
    await Promise.allSettled([...pending.values()].map((s) => s.promise));
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}

function blockOf(id: number, chunk: Chunk): BlockRequest {
  const { data } = chunk;
  const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer;
  return { id, buf, firstNo: chunk.firstNo, baseOffset: chunk.base };
}

function analyzeHere(chunk: Chunk, check: RecordCheck | null): Result {
  const facts: LineFacts[] = [];
  let blank = 0;
  forEachLine(chunk, (no, offset, bytes) => {
    if (isBlank(bytes)) blank++;
    else facts.push(analyzeLine(no, offset, bytes, true, check));
  });
  return { local: true, blank, facts };
}

function request(worker: Worker, req: BlockRequest): Promise<BlockResult> {
  return new Promise((resolve, reject) => {
    const onMessage = (res: BlockResult): void => {
      if (res.id !== req.id) return;
      worker.off('message', onMessage);
      worker.off('error', reject);
      resolve(res);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.postMessage(req, [req.buf]);
  });
}

function deliverResult(res: Result, sink: FactSink): void {
  sink.blank(res.blank);
  if ('local' in res) {
    for (const f of res.facts) sink.facts(f);
    return;
  }
  const issues = new Map(res.issues);
  for (let i = 0; i < res.nos.length; i++) {
    const flags = res.flags[i]!;
    const facts: LineFacts = {
      no: res.nos[i]!,
      offset: res.offsets[i]!,
      terminated: true,
      digest: `sha256:${res.digests.slice(i * 64, i * 64 + 64)}`,
      json: (flags & 1) !== 0,
      chain: flags & 2 ? { seq: res.seqs[i]!, prev: `sha256:${res.prevs.slice(i * 64, i * 64 + 64)}` } : undefined,
      issues: issues.get(i) ?? [],
    };
    if (flags & 4) facts.cr = true;
    if (flags & 8) facts.bom = flags & 16 ? 'other' : flags & 32 ? 'nothing' : 'json';
    sink.facts(facts);
  }
}
