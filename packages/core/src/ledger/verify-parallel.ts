import { Worker } from 'node:worker_threads';
import type { BlockRequest, BlockResult } from './block-facts.js';
import { analyzeLine, type LineFacts } from './line-facts.js';
import { forEachLine, isBlank, readChunks, type Chunk } from './lines.js';
import type { LedgerSchemaName } from './validate.js';

/**
 * The per-line work of `ledger verify` (hash, JSON parse, schema) spread over `threads`
 * analysers: this thread and threads - 1 workers, so a machine with N CPUs runs N busy threads,
 * not N + 1. Blocks of complete lines go round robin; results are delivered strictly in file
 * order, so the chain rules see exactly what the single-thread scan sees. At most two blocks per
 * worker are in flight, so memory stays flat whatever the file size.
 */
export interface FactSink {
  blank(count: number): void;
  facts(f: LineFacts): void;
}

type Result = BlockResult | { local: true; blank: number; facts: LineFacts[] };

const BLOCK = 1 << 20;

export async function scanFactsParallel(path: string, size: number, schema: LedgerSchemaName | null, threads: number, sink: FactSink): Promise<void> {
  const workerUrl = new URL('./verify-worker.js', import.meta.url);
  const workers = Array.from({ length: threads - 1 }, () => new Worker(workerUrl, { workerData: { schema } }));
  const pending = new Map<number, Promise<Result>>();
  let next = 0;
  const deliverUpTo = async (limit: number): Promise<void> => {
    while (pending.size > limit) {
      const res = await pending.get(next)!;
      pending.delete(next++);
      deliver(res, sink);
    }
  };
  try {
    let id = 0;
    for await (const chunk of readChunks(path, size, BLOCK)) {
      if (chunk.final) {
        await deliverUpTo(0);
        forEachLine(chunk, (no, offset, bytes) => sink.facts(analyzeLine(no, offset, bytes, false, schema)));
        break;
      }
      const slot = id % threads;
      pending.set(id, slot === 0 ? Promise.resolve(analyzeHere(chunk, schema)) : request(workers[slot - 1]!, blockOf(id, chunk)));
      id++;
      await deliverUpTo(threads * 2);
    }
    await deliverUpTo(0);
  } finally {
    await Promise.allSettled(pending.values());
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function blockOf(id: number, chunk: Chunk): BlockRequest {
  const { data } = chunk;
  const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer;
  return { id, buf, firstNo: chunk.firstNo, baseOffset: chunk.base };
}

function analyzeHere(chunk: Chunk, schema: LedgerSchemaName | null): Result {
  const facts: LineFacts[] = [];
  let blank = 0;
  forEachLine(chunk, (no, offset, bytes) => {
    if (isBlank(bytes)) blank++;
    else facts.push(analyzeLine(no, offset, bytes, true, schema));
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

function deliver(res: Result, sink: FactSink): void {
  sink.blank(res.blank);
  if ('local' in res) {
    for (const f of res.facts) sink.facts(f);
    return;
  }
  const issues = new Map(res.issues);
  for (let i = 0; i < res.nos.length; i++) {
    const flags = res.flags[i]!;
    sink.facts({
      no: res.nos[i]!,
      offset: res.offsets[i]!,
      terminated: true,
      digest: `sha256:${res.digests.slice(i * 64, i * 64 + 64)}`,
      json: (flags & 1) !== 0,
      chain: flags & 2 ? { seq: res.seqs[i]!, prev: `sha256:${res.prevs.slice(i * 64, i * 64 + 64)}` } : undefined,
      issues: issues.get(i) ?? [],
    });
  }
}
