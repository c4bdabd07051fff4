import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AosError, getLogger } from '@autopoietic/core/cli-kit';
import { loadNixParser } from '@autopoietic/core/nix-syntax';
import { trace } from '../trace.js';
import { makeConfirmer } from './confirm.js';
import { loadModuleEntryCheck } from './file-facts.js';
import type { GenomeLayout } from './model.js';
import { analyseParsed, forAssembly, isParsed, parseFile, type FileResult, type ParseContext, type ParseJob, type ParsedSource } from './parse-file.js';
import type { BatchMode } from './parse-worker.js';

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
export type Jobs = number | 'auto';

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
/** Below this many files per parse thread, another thread costs more than it saves. */
const FILES_PER_THREAD = 64;
/**
 * `--jobs N` is capped at this many workers per core: each is a V8 isolate with its own grammar
 * (about 25 MB), and threads beyond the cores only wait for them. Uncapped, `--jobs 100000`
 * started 100000 workers and the run died of memory after 40 s.
 */
const MAX_WORKERS_PER_CORE = 4;

/** The workers `--jobs N` may start on this machine (warns once when N is more). */
export function cappedJobs(jobs: number, cores = availableParallelism()): number {
  const max = MAX_WORKERS_PER_CORE * cores;
  if (jobs <= max) return jobs;
  if (!capWarned) getLogger().warn({ jobs, workers: max, cores }, `--jobs ${jobs} is more than this machine can run: using ${max} workers (${MAX_WORKERS_PER_CORE} per core)`);
  capWarned = true;
  return max;
}
let capWarned = false;

export interface PoolRun {
  results: FileResult[];
  workers: number;
}

export interface ThreadPlan {
  /** Worker threads to start. */
  workers: number;
  /** Whether this thread parses too. */
  here: boolean;
}

export function planThreads(jobs: Jobs, files: number, workerAvailable: boolean, cores = availableParallelism()): ThreadPlan {
  if (files === 0) return { workers: 0, here: false };
  if (!workerAvailable) return { workers: 0, here: true };
  if (jobs !== 'auto') return jobs > 0 ? { workers: Math.min(cappedJobs(jobs, cores), files), here: false } : { workers: 0, here: true };
  const threads = Math.min(cores, Math.floor(files / FILES_PER_THREAD));
  return { workers: Math.max(0, threads - 1), here: true };
}

/** The compiled worker script; absent when running from TypeScript sources (tests), then in-thread. */
function workerScript(): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const path = fileURLToPath(new URL('./parse-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/**
 * Worker threads started before the files are known. A worker parses its first file about 100 ms
 * after it is started (thread start-up, the grammar, code compiled on first use), so a run that
 * will parse many files starts its workers first and walks the tree while they start. parseAll takes them over (and stops any it
 * does not need); `close` stops them when no parsing follows.
 */
export class EarlyWorkers {
  private constructor(
    readonly script: string,
    private workers: Worker[],
  ) {}

  /**
   * `jobs` workers (`auto`: one per core but this one), or undefined when they cannot run here.
   * The first is the one the launcher started, when it did.
   */
  static start(jobs: Jobs, cores = availableParallelism()): EarlyWorkers | undefined {
    const script = workerScript();
    const n = jobs === 'auto' ? cores - 1 : cappedJobs(jobs, cores);
    if (!script || n <= 0) {
      stopLauncherWorker();
      return undefined;
    }
    const launched = takeLauncherWorker(script);
    return new EarlyWorkers(script, Array.from({ length: n }, (_, i) => (i === 0 && launched ? launched : startWorker(script))));
  }

  /** Up to `n` of the started workers, for the caller to own; the others are stopped. */
  take(n: number): Worker[] {
    const taken = this.workers.filter((w) => !exited.has(w)).slice(0, n);
    this.workers = this.workers.filter((w) => !taken.includes(w));
    this.close();
    return taken;
  }

  close(): void {
    for (const w of this.workers.splice(0)) void w.terminate();
  }
}

const LAUNCHED = Symbol.for('autopoietic.os-introspect.parse-worker');

/** Stops the parse worker the launcher started, if it did: this run will not parse. */
export function stopLauncherWorker(): void {
  takeLauncherWorker(undefined);
}

/**
 * The parse worker bin/os-introspect.js started before the CLI loaded, when it did: adopted when
 * it runs `script` with this pool's limits (the launcher knows the bundle, not this module), else
 * stopped. Taken once.
 */
function takeLauncherWorker(script: string | undefined): Worker | undefined {
  const slot = globalThis as { [LAUNCHED]?: { script: string; worker: Worker } };
  const launched = slot[LAUNCHED];
  delete slot[LAUNCHED];
  if (!launched) return undefined;
  const { worker } = launched;
  const fits = script !== undefined && launched.script === script && worker.resourceLimits?.maxYoungGenerationSizeMb === YOUNG_GENERATION_MB;
  trace('launcher worker', { adopted: fits });
  if (!fits) {
    void worker.terminate();
    return undefined;
  }
  worker.ref();
  worker.once('exit', () => exited.add(worker));
  return worker;
}

function startWorker(script: string): Worker {
  // The young generation holds a chunk's trees and analyses: a larger one is scavenged less often.
  const w = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
  // An 'error' event nobody listens to would be thrown in this thread: until runWorkers listens
  // (an early worker waits for the file list), a worker that dies is only marked as gone, and
  // not handed out (its exit would not be seen again).
  w.on('error', () => undefined);
  w.once('exit', () => exited.add(w));
  return w;
}

const exited = new WeakSet<Worker>();

const YOUNG_GENERATION_MB = 48;

export interface PoolOptions {
  jobs: Jobs;
  /** Digests (hex) the cache already holds an object for. */
  known: ReadonlySet<string>;
  /** Every .nix file of the genome (its layout, for the facts of each file). */
  layout: GenomeLayout;
  early?: EarlyWorkers;
}

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
