import type { Worker } from 'node:worker_threads';
import { AosError } from '@autopoietic/core/cli-kit';
import { loadNixParser } from '@autopoietic/core/nix-syntax';
import { trace } from '../trace.js';
import { makeConfirmer } from './confirm.js';
import { loadModuleEntryCheck } from './file-facts.js';
import type { GenomeLayout } from './model.js';
import { analyseParsed, forAssembly, isParsed, parseFile, type FileResult, type ParseContext, type ParseJob, type ParsedSource } from './parse-file.js';
import { planThreads, startWorker, workerScript, type EarlyWorkers, type Jobs } from './parse-threads.js';
import type { BatchMode } from './parse-worker.js';

/** Files a thread takes at a time. */
const CHUNK = 24;
/**
 * Chunks a worker holds at once: while it parses one, the next is already queued, so it never
 * waits for this thread, which takes in results only between the chunks it parses itself.
 */
const IN_FLIGHT = 2;
/**
 * The same for a `parse` worker. Its replies are taken in only between the batches this thread
 * analyses, and a chunk of its own that this thread parses and analyses takes about twice as
 * long as the worker takes to parse one: with two chunks queued it sat idle for a quarter of a
 * run; with four, not measurably.
 */
const PARSE_IN_FLIGHT = 4;

export interface PoolRun {
  results: FileResult[];
  workers: number;
}

export interface PoolOptions {
  jobs: Jobs;
  /** Digests (hex) the cache already holds an object for. */
  known: ReadonlySet<string>;
  /** Every .nix file of the genome (its layout, for the facts of each file). */
  layout: GenomeLayout;
  early?: EarlyWorkers;
}

/**
 * Spreads parsing over threads. `auto` uses one parse thread per core: this thread and a worker
 * for each other core (this thread would otherwise sit idle while the workers parse, and one
 * worker fewer is one grammar load fewer); small trees are parsed here alone, since a worker
 * costs a thread start and a grammar load (~35 ms). `--jobs N` asks for N workers. Work is handed
 * out in small chunks as threads become free, so one large file does not hold up a whole share.
 *
 * When this thread parses too, the first worker only reads and parses: it sends its trees
 * (tree-dump.ts, transferred) to this thread, which analyses them between chunks of its own.
 * The analysis is JavaScript that V8 compiles and optimises as it runs, in each isolate that runs
 * it; on two cores, one isolate that analyses everything costs about a third less than two that
 * each warm it up for half (docs/adr/0021-syntax-trees-out-of-wasm.md). Other workers parse and
 * analyse whole files, as more cores outrun one analysing thread.
 */
export async function parseAll(jobs: ParseJob[], opts: PoolOptions): Promise<PoolRun> {
  const script = opts.early?.script ?? workerScript();
  const plan = planThreads(opts.jobs, jobs.length, script !== undefined);
  const started = opts.early?.take(plan.workers) ?? [];
  const queue = new Queue(jobs);
  const inbox = plan.here && plan.workers > 0 ? new TreeInbox() : undefined;
  const workers = plan.workers > 0 && script ? runWorkers(script, plan.workers, started, queue, opts, inbox) : undefined;
  const here = plan.here ? parseHere(queue, opts, inbox) : undefined;
  trace('parsing', { files: jobs.length, workers: plan.workers, here: plan.here });
  // A failure on either side stops the other, and is raised once both stopped: nothing is left
  // parsing behind it (the files not handed out yet are dropped).
  const [fromWorkers, fromHere] = await Promise.allSettled([
    workers?.done,
    here?.catch((e: unknown) => {
      workers?.stop();
      throw e;
    }),
  ]);
  if (fromHere.status === 'rejected') throw fromHere.reason;
  if (fromWorkers.status === 'rejected') throw fromWorkers.reason;
  trace('parsed');
  return { results: [...(fromHere.value ?? []), ...(fromWorkers.value ?? [])], workers: plan.workers };
}

/**
 * The batches a `parse` worker sent back for this thread to analyse, and how many it still owes.
 * Closed when the workers are done or failed, so that this thread stops waiting.
 */
class TreeInbox {
  private batches: (FileResult | ParsedSource)[][] = [];
  private owed = 0;
  private closed = false;
  private wake: (() => void) | undefined;

  sent(): void {
    this.owed++;
  }

  receive(batch: (FileResult | ParsedSource)[]): void {
    this.owed--;
    this.batches.push(batch);
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  take(): (FileResult | ParsedSource)[] | undefined {
    return this.batches.shift();
  }

  /** Whether a batch may still come. */
  get waiting(): boolean {
    return !this.closed && this.owed > 0;
  }

  /** Resolves when a batch comes or the inbox closes. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The files not handed out yet, taken a chunk at a time by whichever thread is free. */
class Queue {
  private next = 0;

  constructor(private readonly jobs: ParseJob[]) {}

  /** Hands out nothing more. */
  close(): void {
    this.next = this.jobs.length;
  }

  take(): ParseJob[] | undefined {
    if (this.next >= this.jobs.length) return undefined;
    const chunk = this.jobs.slice(this.next, this.next + CHUNK);
    this.next += chunk.length;
    return chunk;
  }
}

/**
 * This thread's share: the trees a `parse` worker sent first (they are ready, and the worker
 * waits for nothing), else a chunk of its own, yielding in between so worker results are taken in.
 */
async function parseHere(queue: Queue, opts: PoolOptions, inbox: TreeInbox | undefined): Promise<FileResult[]> {
  const [parser, checkModule] = await Promise.all([loadNixParser(), loadModuleEntryCheck()]);
  trace('parser ready here');
  const ctx: ParseContext = { parser, names: parser.names, known: opts.known, confirm: makeConfirmer(), layout: opts.layout, checkModule };
  const out: FileResult[] = [];
  let fromWorker = 0;
  for (;;) {
    const batch = inbox?.take();
    if (batch) {
      for (const r of batch) {
        if (!isParsed(r)) out.push(r);
        else out.push(forAssembly(await analyseParsed(r, ctx)));
      }
      fromWorker += batch.length;
    } else {
      const chunk = queue.take();
      if (chunk) for (const job of chunk) out.push(forAssembly(await parseFile(job, ctx)));
      else if (inbox?.waiting) await inbox.next();
      else break;
    }
    await new Promise(setImmediate);
  }
  trace('analysed here', { files: out.length, parsed_by_worker: fromWorker });
  return out;
}

type WorkerReply = { results?: (FileResult | ParsedSource)[]; error?: string; code?: string; hint?: string };

/**
 * Runs `n` workers over the queue; with an inbox, the first only parses, for this thread to
 * analyse. `stop` ends the run early (the workers stopped, `done` rejected).
 */
function runWorkers(script: string, n: number, started: Worker[], queue: Queue, opts: PoolOptions, inbox?: TreeInbox): { done: Promise<FileResult[]>; stop(): void } {
  const results: FileResult[] = [];
  const workers: Worker[] = [];
  let busy = 0;
  let first = false;
  let settled = false;
  let id = 0;
  let resolve!: (r: FileResult[]) => void;
  let reject!: (e: unknown) => void;
  const done = new Promise<FileResult[]>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const finish = (err?: unknown): void => {
    if (settled) return;
    settled = true;
    trace('workers done', { failed: err !== undefined });
    // Failed: the files not handed out yet are not parsed here either (the run ends with the error).
    if (err) queue.close();
    inbox?.close();
    for (const w of workers) void w.terminate();
    if (err) reject(err);
    else resolve(results);
  };
  const modes = new Map<Worker, BatchMode>();
  const feed = (w: Worker): void => {
    if (settled) return;
    const chunk = queue.take();
    if (!chunk) {
      if (busy === 0) finish();
      return;
    }
    busy++;
    const mode = modes.get(w)!;
    if (mode === 'parse') inbox!.sent();
    w.postMessage({ id: id++, jobs: chunk, mode });
  };
  const fail = (e: unknown): void =>
    finish(new AosError('parse-worker-failed', `a parse worker failed: ${e instanceof Error ? e.message : String(e)}`, { hint: 'Run again with --jobs 1 to parse in one worker, and report the error.', cause: e }));
  const knownList = [...opts.known];
  // Only a worker that analyses resolves imports (a `parse` worker reads its first message while
  // the run waits for its first trees).
  const layout = n > (inbox ? 1 : 0) ? opts.layout.files() : undefined;
  for (let i = 0; i < n; i++) {
    const w = started[i] ?? startWorker(script);
    workers.push(w);
    modes.set(w, inbox && i === 0 ? 'parse' : 'full');
    if (modes.get(w) === 'full') w.postMessage({ layout });
    if (knownList.length) w.postMessage({ known: knownList });
    w.on('message', (msg: WorkerReply) => {
      busy--;
      // An error the worker knows (the grammar does not load) keeps its own code and hint.
      if (msg.error !== undefined && msg.code) return finish(new AosError(msg.code, msg.error, msg.hint ? { hint: msg.hint } : {}));
      if (msg.error !== undefined) return fail(new Error(msg.error));
      if (!first) trace('first worker results');
      first = true;
      if (modes.get(w) === 'parse') inbox!.receive(msg.results ?? []);
      else for (const r of msg.results ?? []) results.push(r as FileResult);
      feed(w);
    });
    w.on('error', fail);
    w.on('exit', (code) => {
      if (code !== 0 && !settled) fail(new Error(`worker exited with code ${code}`));
    });
    for (let k = 0; k < (modes.get(w) === 'parse' ? PARSE_IN_FLIGHT : IN_FLIGHT); k++) feed(w);
  }
  return { done, stop: () => finish(new Error('stopped: this thread failed')) };
}
