import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { getLogger } from '@autopoietic/core/cli-kit';
import { trace } from '../trace.js';

/**
 * Which threads parse (planThreads), and the worker threads themselves: started early, adopted
 * from the launcher, or started when the pool needs them (parse-pool.ts hands them the work).
 * `auto` is one parse thread per core; a number is that many workers.
 */
export type Jobs = number | 'auto';

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
export function workerScript(): string | undefined {
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

export function startWorker(script: string): Worker {
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
