import { parentPort, workerData } from 'node:worker_threads';
import { loadNixParser } from '@autopoietic/core/nix-syntax';
import type { Confirmer } from './confirm.js';
import { parseFile, withPackLine, type FileResult, type ParseContext, type ParseJob } from './parse-file.js';

/**
 * A parse worker: loads the grammar once, then answers batches of files with their results.
 * Messages in: `{ id, jobs }`; out: `{ id, results }` or `{ id, error }`.
 */
interface WorkerInit {
  /** Digests the cache already holds (hex). */
  known: string[];
}

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('parse-worker must run in a worker thread');

// The confirmer (which spawns nix-instantiate) is loaded on the first syntax error only.
let confirmer: Promise<Confirmer> | undefined;
const confirm: Confirmer = async (source) => {
  confirmer ??= import('./confirm.js').then((m) => m.makeConfirmer());
  return (await confirmer)(source);
};

const ready: Promise<ParseContext> = loadNixParser().then((parser) => ({ parser, known: new Set(init.known), confirm }));

port.on('message', (msg: { id: number; jobs: ParseJob[] }) => {
  void handle(msg);
});

async function handle(msg: { id: number; jobs: ParseJob[] }): Promise<void> {
  try {
    const ctx = await ready;
    const results: FileResult[] = [];
    for (const job of msg.jobs) results.push(slim(withPackLine(await parseFile(job, ctx))));
    port!.postMessage({ id: msg.id, results });
  } catch (e) {
    port!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
}

/**
 * The analysis travels once, as the JSON text the main thread parses, with the pack line this
 * thread encoded (so the main thread never serialises or encodes it).
 */
function slim(r: FileResult): FileResult {
  if (r.objectText === undefined) return r;
  const { object: _o, analysis: _a, confirmation: _c, ...rest } = r;
  return rest;
}
