import { parentPort, workerData } from 'node:worker_threads';
import { analyzeBlock, type BlockRequest } from './block-facts.js';
import { recordCheck } from './record-check.js';
import type { LedgerSchemaName } from './validate.js';

/**
 * Worker thread of `ledger verify` (see verify-parallel.ts): analyses the blocks it is sent. It
 * checks lines with the compiled validator and loads zod only to explain a refused line.
 */
const schema = (workerData as { schema: LedgerSchemaName | null }).schema;
const check = recordCheck(schema, false);
let explainer: Promise<(value: unknown) => string[]> | undefined;
/** The explanation the main thread would give (zod, or the compiled wording), loaded on the first refused line. */
function explainLater(): Promise<(value: unknown) => string[]> {
  explainer ??= recordCheck(schema).then((c) => c?.explain ?? (() => []));
  return explainer;
}

parentPort?.on('message', (req: BlockRequest) => {
  void check
    .then((c) => analyzeBlock(req, c, explainLater))
    .then((res) => {
      const buffers = [res.nos.buffer, res.offsets.buffer, res.flags.buffer, res.seqs.buffer] as ArrayBuffer[];
      parentPort!.postMessage(res, buffers);
    });
});
