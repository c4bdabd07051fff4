import { Worker } from 'node:worker_threads';
import { analyzeLine, type LineFacts } from './line-facts.js';
import { forEachLine, readChunks } from './lines.js';
import type { LedgerSchemaName } from './validate.js';
import type { BlockRequest, BlockResult } from './verify-worker.js';

/**
 * The per-line work of `ledger verify` (hash, JSON parse, schema) spread over worker threads.
 * The main thread reads blocks of complete lines, hands them out round robin, and delivers the
 * results strictly in file order, so the chain rules see exactly what the in-thread scan sees.
 * At most two blocks per worker are in flight, so memory stays flat whatever the file size.
 */
export interface FactSink {
  blank(count: number): void;
  facts(f: LineFacts): void;
}

const BLOCK = 1 << 20;

export async function scanFactsParallel(path: string, size: number, schema: LedgerSchemaName | null, threads: number, sink: FactSink): Promise<void> {
  const workerUrl = new URL('./verify-worker.js', import.meta.url);
  const workers = Array.from({ length: threads }, () => new Worker(workerUrl, { workerData: { schema } }));
  const pending = new Map<number, Promise<BlockResult>>();
  let nextToDeliver = 0;
  const deliverUpTo = async (limit: number): Promise<void> => {
    while (pending.size > limit) {
      const res = await pending.get(nextToDeliver)!;
      pending.delete(nextToDeliver++);
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
      const { data } = chunk;
      const buf = data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer;
      pending.set(id, request(workers[id % threads]!, { id, buf, firstNo: chunk.firstNo, baseOffset: chunk.base }));
      id++;
      await deliverUpTo(threads * 2);
    }
    await deliverUpTo(0);
  } finally {
    await Promise.allSettled(pending.values());
    await Promise.all(workers.map((w) => w.terminate()));
  }
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

function deliver(res: BlockResult, sink: FactSink): void {
  sink.blank(res.blank);
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
