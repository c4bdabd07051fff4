import { existsSync, mkdirSync } from 'node:fs';
import { getLogger } from '@autopoietic/core/cli-kit';
import { cacheDirFor, ObjectStore, readStatIndex, trustedDigest, writeStatIndex, CACHE_FORMAT, type StatIndex } from './cache.js';
import { parseAll, type Jobs } from './parse-pool.js';
import { resultFromObject, type FileResult, type ParseJob } from './parse-file.js';
import { errText, walkTree, type WalkProblem } from '../walk.js';

/**
 * Every .nix file of the genome, parsed or served from the cache. Files the stat index vouches
 * for are not even opened; the rest go to the parse pool, which hashes them and consults the
 * object cache before parsing.
 */
export interface CacheInfo {
  enabled: boolean;
  dir: string | null;
  reason?: string;
}

export interface GenomeFiles {
  results: FileResult[];
  /** Directories that hold .nix files (for resolving `./dir` imports). */
  dirs: Set<string>;
  skipped: WalkProblem[];
  workers: number;
  cache: CacheInfo;
  durationMs: number;
}

export interface FilesOptions {
  root: string;
  memoryDir: string;
  cache: boolean;
  jobs: Jobs;
}

export async function readGenomeFiles(opts: FilesOptions): Promise<GenomeFiles> {
  const started = performance.now();
  const startedAt = Date.now();
  const walk = walkTree(opts.root, { want: (name) => name.endsWith('.nix') });
  const cache = openCache(opts);
  const index = cache.dir ? readStatIndex(cache.dir, opts.root) : undefined;
  const store = cache.dir ? new ObjectStore(cache.dir) : undefined;
  const results: FileResult[] = [];
  const jobs: ParseJob[] = [];
  for (const f of walk.files) {
    if (!f.stat.isFile()) {
      results.push({ rel: f.rel, bytes: 0, sha256: null, cached: false, status: 'unreadable', reason: 'not a regular file' });
      continue;
    }
    const digest = trustedDigest(index, f.rel, f.stat);
    const obj = digest ? store?.read(digest) : undefined;
    if (obj) results.push(resultFromObject(f.rel, f.stat.size, obj, true, [f.stat.size, f.stat.mtimeMs, f.stat.ctimeMs, f.stat.ino, obj.digest]));
    else jobs.push({ rel: f.rel, abs: f.abs });
  }
  const run = await parseAll(jobs, { jobs: opts.jobs, cacheDir: cache.dir });
  results.push(...run.results);
  results.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const cacheError = results.find((r) => r.cacheError)?.cacheError;
  if (cacheError) Object.assign(cache, { reason: `cache writes failed (${cacheError}); results were computed without it` });
  if (cache.dir && !cacheError) saveIndex(cache, opts.root, results, startedAt);
  getLogger().debug({ files: results.length, parsed: run.results.filter((r) => !r.cached).length, workers: run.workers }, 'genome files read');
  return { results, dirs: dirsOf(results), skipped: walk.problems.map((p) => ({ rel: p.rel, reason: p.reason })), workers: run.workers, cache, durationMs: performance.now() - started };
}

function openCache(opts: FilesOptions): CacheInfo {
  if (!opts.cache) return { enabled: false, dir: null, reason: 'disabled with --no-cache' };
  if (!existsSync(opts.memoryDir)) return { enabled: false, dir: null, reason: `memory directory ${opts.memoryDir} does not exist (not created just for a cache)` };
  const dir = cacheDirFor(opts.memoryDir);
  try {
    mkdirSync(dir, { recursive: true });
    return { enabled: true, dir };
  } catch (e) {
    return { enabled: false, dir: null, reason: `cannot create ${dir}: ${errText(e)}` };
  }
}

function saveIndex(cache: CacheInfo, root: string, results: FileResult[], startedAt: number): void {
  const files: StatIndex['files'] = {};
  for (const r of results) if (r.stat) files[r.rel] = r.stat;
  try {
    // The index time is when this run started reading: anything changed after that is racy.
    writeStatIndex(cache.dir!, { format: CACHE_FORMAT, root, written_at_ms: startedAt, files });
  } catch (e) {
    Object.assign(cache, { reason: `cannot write the stat index: ${errText(e)}` });
  }
}

function dirsOf(results: FileResult[]): Set<string> {
  const dirs = new Set<string>(['']);
  for (const r of results) {
    const parts = r.rel.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return dirs;
}

