import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AosError } from '@autopoietic/core/cli-kit';
import { loadNixParser } from '@autopoietic/core/nix-syntax';
import { makeConfirmer } from './confirm.js';
import type { CacheObject } from './cache.js';
import { parseFile, resultFromObject, type FileResult, type ParseJob } from './parse-file.js';

/**
 * Spreads parsing over worker threads (one per core by default). Each worker loads the grammar
 * once (~35 ms), so small batches are parsed in this thread instead. Work is handed out in small
 * chunks as workers become free, so one large file does not hold up a whole share.
 */
export type Jobs = number | 'auto';

const CHUNK = 24;
/** Below this many files per worker, starting workers costs more than it saves. */
const FILES_PER_WORKER = 64;

export interface PoolRun {
  results: FileResult[];
  workers: number;
}

export function plannedWorkers(jobs: Jobs, files: number, workerAvailable: boolean): number {
  if (!workerAvailable || files === 0) return 0;
  const want = jobs === 'auto' ? Math.min(availableParallelism(), Math.floor(files / FILES_PER_WORKER)) : jobs;
  const n = Math.min(want, files);
  return n >= 2 || (jobs !== 'auto' && n === 1) ? n : 0;
}

/** The compiled worker script; absent when running from TypeScript sources (tests), then in-thread. */
function workerScript(): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const path = fileURLToPath(new URL('./parse-worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

export async function parseAll(jobs: ParseJob[], opts: { jobs: Jobs; known: ReadonlySet<string> }): Promise<PoolRun> {
  if (jobs.length === 0) return { results: [], workers: 0 };
  const script = workerScript();
  const n = plannedWorkers(opts.jobs, jobs.length, script !== undefined);
  if (n === 0 || !script) return { results: await parseInThread(jobs, opts.known), workers: 0 };
  return { results: await parseInWorkers(script, n, jobs, opts.known), workers: n };
}

async function parseInThread(jobs: ParseJob[], known: ReadonlySet<string>): Promise<FileResult[]> {
  const ctx = { parser: await loadNixParser(), known, confirm: makeConfirmer() };
  const out: FileResult[] = [];
  for (const job of jobs) out.push(await parseFile(job, ctx));
  return out;
}

function parseInWorkers(script: string, n: number, jobs: ParseJob[], known: ReadonlySet<string>): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const results: FileResult[] = [];
    const workers: Worker[] = [];
    let next = 0;
    let busy = 0;
    let failed = false;
    let done = false;
    let id = 0;
    const finish = (err?: unknown): void => {
      if (done) return;
      done = true;
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve(results);
    };
    const feed = (w: Worker): void => {
      if (failed) return;
      if (next >= jobs.length) {
        if (busy === 0) finish();
        return;
      }
      const chunk = jobs.slice(next, next + CHUNK);
      next += chunk.length;
      busy++;
      w.postMessage({ id: id++, jobs: chunk });
    };
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      finish(new AosError('parse-worker-failed', `a parse worker failed: ${e instanceof Error ? e.message : String(e)}`, { hint: 'Run again with --jobs 1 to parse in one thread, and report the error.', cause: e }));
    };
    for (let i = 0; i < n; i++) {
      const w = new Worker(script, { workerData: { known: [...known] } });
      workers.push(w);
      w.on('message', (msg: { results?: FileResult[]; error?: string }) => {
        busy--;
        if (msg.error !== undefined) return fail(new Error(msg.error));
        for (const r of msg.results ?? []) results.push(inflate(r));
        feed(w);
      });
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0 && !failed && (next < jobs.length || busy > 0)) fail(new Error(`worker exited with code ${code}`));
      });
      feed(w);
    }
  });
}

/** A worker result that carries its analysis as JSON text: parsed back into the result. */
function inflate(r: FileResult): FileResult {
  if (r.object || r.objectText === undefined || r.sha256 === null) return r;
  const obj = JSON.parse(r.objectText) as CacheObject;
  return { ...resultFromObject(r.rel, r.bytes, r.sha256.slice(7), obj, r.cached, r.stat), objectText: r.objectText };
}
