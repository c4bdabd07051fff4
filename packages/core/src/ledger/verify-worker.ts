import { parentPort, workerData } from 'node:worker_threads';
import { analyzeBlock, type BlockRequest } from './block-facts.js';
import type { LedgerSchemaName } from './validate.js';

/** Worker thread of `ledger verify` (see verify-parallel.ts): analyses the blocks it is sent. */
const schema = (workerData as { schema: LedgerSchemaName | null }).schema;

parentPort?.on('message', (req: BlockRequest) => {
  const res = analyzeBlock(req, schema);
  const buffers = [res.nos.buffer, res.offsets.buffer, res.flags.buffer, res.seqs.buffer] as ArrayBuffer[];
  parentPort!.postMessage(res, buffers);
});
