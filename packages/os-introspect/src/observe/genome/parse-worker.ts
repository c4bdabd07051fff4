import { parentPort } from 'node:worker_threads';
import { AosError } from '@autopoietic/core/cli-kit';
import { loadNixParser } from '@autopoietic/core/nix-syntax';
import type { CompiledValidator } from '@autopoietic/core/schemas/compiled';
import type { Confirmer } from './confirm.js';
import { loadModuleEntryCheck } from './file-facts.js';
import { GenomeLayout } from './model.js';
import { forAssembly, isParsed, parseFile, parseOnly, type FileResult, type ParseContext, type ParseJob, type ParsedSource } from './parse-file.js';

/**
 * A parse worker: loads the grammar as soon as it starts (it may be started before the files
 * are known), then answers batches of files. Messages in, in this order: `{ layout }` (every .nix
 * file of the genome, to resolve imports with; `full` workers only), `{ known }` (digests, hex,
 * the cache already holds; only when there are some), then `{ id, jobs, mode }` batches. Mode
 * `full`: each file read, parsed and analysed; `parse`: read and parsed only, the trees sent back
 * (transferred, not copied) for the main thread to analyse (parse-pool.ts). Out:
 * `{ id, results }` or `{ id, error, code?, hint? }` (code and hint of an AosError).
 */
export type BatchMode = 'full' | 'parse';
type Message = { layout: string[] } | { known: string[] } | { id: number; jobs: ParseJob[]; mode: BatchMode };

const port = parentPort;
if (!port) throw new Error('parse-worker must run in a worker thread');

// The confirmer (which spawns nix-instantiate) is loaded on the first syntax error only.
let confirmer: Promise<Confirmer> | undefined;
const confirm: Confirmer = async (source) => {
  confirmer ??= import('./confirm.js').then((m) => m.makeConfirmer());
  return (await confirmer)(source);
};

const known = new Set<string>();
let layout: GenomeLayout | undefined;
const parserLoaded = loadNixParser();
// The module entries' validator, loaded with the first `full` batch (a `parse` worker never needs it).
let checkLoaded: Promise<CompiledValidator> | undefined;
// A grammar that does not load is reported with the first batch; until then (or if the worker is
// stopped unused) it is not an unhandled rejection, which would kill the thread without a word.
parserLoaded.catch(() => undefined);

port.on('message', (msg: Message) => {
  if ('layout' in msg) layout = new GenomeLayout(msg.layout);
  else if ('known' in msg) for (const d of msg.known) known.add(d);
  else void handle(msg);
});

async function handle(msg: { id: number; jobs: ParseJob[]; mode: BatchMode }): Promise<void> {
  try {
    const parser = await parserLoaded;
    if (msg.mode === 'parse') {
      const results: (FileResult | ParsedSource)[] = [];
      const transfer: ArrayBuffer[] = [];
      for (const job of msg.jobs) {
        const r = parseOnly(job, parser, known);
        if (isParsed(r)) transfer.push(r.tree.nodes.buffer as ArrayBuffer);
        results.push(isParsed(r) ? r : forAssembly(r));
      }
      port!.postMessage({ id: msg.id, results }, transfer);
      return;
    }
    checkLoaded ??= loadModuleEntryCheck();
    const checkModule = await checkLoaded;
    if (!layout) throw new Error('a batch came before the layout');
    const ctx: ParseContext = { parser, names: parser.names, known, confirm, layout, checkModule };
    const results: FileResult[] = [];
    for (const job of msg.jobs) results.push(forAssembly(await parseFile(job, ctx)));
    port!.postMessage({ id: msg.id, results });
  } catch (e) {
    const known = e instanceof AosError ? { code: e.code, hint: e.hint } : {};
    port!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e), ...known });
  }
}
