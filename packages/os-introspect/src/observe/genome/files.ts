import { existsSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { makeDirs } from '@autopoietic/core/adapters';
import { byCodeUnit } from '@autopoietic/core/canonical';
import { cacheable, cacheDirFor, readObjects, removeLeftovers, removeStaleVersions, readStatIndex, trustedDigest, writeSnapshot, CACHE_FORMAT, type ObjectPack, type StatIndex } from './cache.js';
import { packLine } from './checksum.js';
import { fileFacts, loadModuleEntryCheck } from './file-facts.js';
import { GenomeLayout } from './model.js';
import { parseAll } from './parse-pool.js';
import type { EarlyWorkers, Jobs } from './parse-threads.js';
import { resultFromObject, type FileResult, type ParseJob } from './parse-file.js';
import { trace } from '../trace.js';
import { errText, pathUnder, walkTree, type WalkProblem } from '../walk.js';

/**
 * Every .nix file of the genome, in two steps. `scanGenomeFiles` walks and stats the tree and
 * asks the stat index which contents are known (no file is opened). `readGenomeFiles` then loads
 * the cached analyses and parses the rest in the pool, which hashes them and skips contents the
 * cache already knows. The cache is rewritten only when something changed.
 */
export interface CacheInfo {
  enabled: boolean;
  dir: string | null;
  reason?: string;
}

export interface FilesOptions {
  root: string;
  memoryDir: string;
  cache: boolean;
  jobs: Jobs;
  /** Workers started before the walk (a cold run), for the parse pool to take over. */
  early?: EarlyWorkers;
}

export interface FileScan {
  opts: FilesOptions;
  cache: CacheInfo;
  index: StatIndex | undefined;
  /** Files whose content the stat index vouches for. */
  trusted: { rel: string; digest: string; stat: Stats }[];
  jobs: ParseJob[];
  /** Entries that are not regular files. */
  unreadable: FileResult[];
  skipped: WalkProblem[];
  started: number;
  startedAt: number;
}

export interface GenomeFiles {
  /** Every file, sorted by path, each with its facts. */
  results: FileResult[];
  /** Their paths, as the facts were made with. */
  layout: GenomeLayout;
  skipped: WalkProblem[];
  workers: number;
  /** Its `reason` says why the cache was not used or written (final once `saved` settles). */
  cache: CacheInfo;
  durationMs: number;
  /** The cache snapshot being written (never rejects: a failure is noted in `cache.reason`). */
  saved: Promise<void>;
}

export function scanGenomeFiles(opts: FilesOptions): FileScan {
  const started = performance.now();
  const startedAt = Date.now();
  const cache = openCache(opts);
  const index = cache.dir ? readStatIndex(cache.dir, opts.root) : undefined;
  // Without a stat index (a first run) a regular file's stat vouches for nothing: not taken here
  // (about 30 ms of a 3500-file walk), but by the read, which stats what it opened.
  const walk = walkTree(opts.root, { want: (name) => name.endsWith('.nix'), lazyStat: index === undefined });
  const scan: FileScan = { opts, cache, index, trusted: [], jobs: [], unreadable: [], skipped: walk.problems, started, startedAt };
  for (const f of walk.files) {
    if (!f.stat) {
      scan.jobs.push({ rel: f.rel, abs: f.abs });
      continue;
    }
    if (!f.stat.isFile()) {
      scan.unreadable.push({ rel: f.rel, bytes: 0, sha256: null, cached: false, status: 'unreadable', reason: 'not a regular file' });
      continue;
    }
    const digest = trustedDigest(index, f.rel, f.stat);
    if (digest) scan.trusted.push({ rel: f.rel, digest, stat: f.stat });
    else scan.jobs.push({ rel: f.rel, abs: f.abs });
  }
  trace('walked', { files: walk.files.length });
  return scan;
}

export async function readGenomeFiles(scan: FileScan): Promise<GenomeFiles> {
  const { opts, cache } = scan;
  const pack = cache.dir ? readObjects(cache.dir, opts.root) : undefined;
  const results: FileResult[] = [...scan.unreadable];
  const jobs = [...scan.jobs];
  const under = pathUnder(opts.root);
  const layout = new GenomeLayout([...scan.unreadable, ...scan.trusted, ...scan.jobs].map((f) => f.rel));
  for (const t of scan.trusted) {
    const obj = pack?.get(t.digest);
    if (obj) results.push(resultFromObject(t.rel, t.stat.size, t.digest, obj, true, statEntry(t.stat, t.digest)));
    else jobs.push({ rel: t.rel, abs: under(t.rel) });
  }
  const run = await parseAll(jobs, { jobs: opts.jobs, known: new Set(pack?.digests() ?? []), layout, ...(opts.early ? { early: opts.early } : {}) });
  const retry: ParseJob[] = [];
  for (const r of run.results) {
    const known = r.known && pack ? fromKnown(r, pack) : undefined;
    if (known) results.push(known);
    else if (!r.known) results.push(r);
    else retry.push({ rel: r.rel, abs: under(r.rel) }); // a damaged pack line: parse after all
  }
  if (retry.length) for (const r of (await parseAll(retry, { jobs: 0, known: new Set(), layout })).results) results.push(r);
  results.sort((a, b) => byCodeUnit(a.rel, b.rel));
  // Files that were not parsed in this run (from the cache, or unreadable) get their facts here.
  const missing = results.filter((r) => !r.facts);
  if (missing.length) {
    const check = await loadModuleEntryCheck();
    for (const r of missing) r.facts = fileFacts(r.rel, r.analysis, layout, check);
  }
  const indexed = results.filter((r) => r.stat).length;
  const changed = cache.dir && (jobs.length > 0 || !scan.index || Object.keys(scan.index.files).length !== indexed);
  const saved = changed ? save(cache, opts.root, results, scan.startedAt, pack) : Promise.resolve();
  trace('genome files read', { files: results.length, parsed: run.results.filter((r) => !r.cached).length, workers: run.workers });
  return { results, layout, skipped: scan.skipped, workers: run.workers, cache, durationMs: performance.now() - scan.started, saved };
}

export function statEntry(st: Stats, digest: string): [number, number, number, number, string] {
  return [st.size, st.mtimeMs, st.ctimeMs, st.ino, digest];
}

/** A file re-read because its stat changed, whose content the cache knew all along. */
function fromKnown(r: FileResult, pack: ObjectPack): FileResult | undefined {
  const digest = r.sha256!.slice('sha256:'.length);
  const obj = pack.get(digest);
  return obj ? resultFromObject(r.rel, r.bytes, digest, obj, true, r.stat) : undefined;
}

/** Caches that could not be made or written: the run parses all it would have reused (see cacheFailure). */
const failed = new WeakSet<CacheInfo>();

/**
 * Why the cache could not be used or written (a read-only checkout holding the memory
 * directory, another user's), once `saved` settled; undefined when it worked, or was not wanted
 * (--no-cache, no memory directory yet). The self-state's parse_stats.cache says so too.
 */
export function cacheFailure(cache: CacheInfo): string | undefined {
  return failed.has(cache) ? cache.reason : undefined;
}

function openCache(opts: FilesOptions): CacheInfo {
  if (!opts.cache) return { enabled: false, dir: null, reason: 'disabled with --no-cache' };
  if (!existsSync(opts.memoryDir)) return { enabled: false, dir: null, reason: `memory directory ${opts.memoryDir} does not exist (not created just for a cache)` };
  const dir = cacheDirFor(opts.memoryDir);
  try {
    makeDirs(dir);
    removeLeftovers(dir);
    removeStaleVersions(dir);
    return { enabled: true, dir };
  } catch (e) {
    // makeDirs names the directory and the errno.
    const cache = { enabled: false, dir: null, reason: e instanceof Error ? e.message : String(e) };
    failed.add(cache);
    return cache;
  }
}

async function save(cache: CacheInfo, root: string, results: FileResult[], startedAt: number, pack: ObjectPack | undefined): Promise<void> {
  const index: StatIndex = { format: CACHE_FORMAT, root, written_at_ms: startedAt, files: {} };
  const lines = new Map<string, Uint8Array>();
  const utf8 = new TextEncoder();
  for (const r of results) {
    if (!r.stat || (!r.object && !r.packLine) || !cacheable(r)) continue;
    const digest = r.stat[4];
    index.files[r.rel] = r.stat;
    if (lines.has(digest)) continue;
    const kept = r.packLine ? undefined : pack?.body(digest);
    lines.set(digest, r.packLine ?? (kept === undefined ? packLine(digest, JSON.stringify(r.object)) : utf8.encode(`${digest} ${kept}\n`)));
  }
  try {
    await writeSnapshot(cache.dir!, index, [...lines.values()]);
  } catch (e) {
    Object.assign(cache, { reason: `cannot write the cache: ${errText(e)}` });
    failed.add(cache);
  }
}
