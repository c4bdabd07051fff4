import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Stats } from 'node:fs';
import { getLogger } from '@autopoietic/core/cli-kit';
import { cacheDirFor, readObjects, readStatIndex, trustedDigest, writeSnapshot, CACHE_FORMAT, type ObjectPack, type StatIndex } from './cache.js';
import { parseAll, type Jobs } from './parse-pool.js';
import { resultFromObject, type FileResult, type ParseJob } from './parse-file.js';
import { errText, walkTree, type WalkProblem } from '../walk.js';

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
  results: FileResult[];
  /** Directories that hold .nix files (for resolving `./dir` imports). */
  dirs: Set<string>;
  skipped: WalkProblem[];
  workers: number;
  cache: CacheInfo;
  durationMs: number;
}

export function scanGenomeFiles(opts: FilesOptions): FileScan {
  const started = performance.now();
  const startedAt = Date.now();
  const walk = walkTree(opts.root, { want: (name) => name.endsWith('.nix') });
  const cache = openCache(opts);
  const index = cache.dir ? readStatIndex(cache.dir, opts.root) : undefined;
  const scan: FileScan = { opts, cache, index, trusted: [], jobs: [], unreadable: [], skipped: walk.problems, started, startedAt };
  for (const f of walk.files) {
    if (!f.stat.isFile()) {
      scan.unreadable.push({ rel: f.rel, bytes: 0, sha256: null, cached: false, status: 'unreadable', reason: 'not a regular file' });
      continue;
    }
    const digest = trustedDigest(index, f.rel, f.stat);
    if (digest) scan.trusted.push({ rel: f.rel, digest, stat: f.stat });
    else scan.jobs.push({ rel: f.rel, abs: f.abs });
  }
  return scan;
}

export async function readGenomeFiles(scan: FileScan): Promise<GenomeFiles> {
  const { opts, cache } = scan;
  const pack = cache.dir ? readObjects(cache.dir, opts.root) : undefined;
  const results: FileResult[] = [...scan.unreadable];
  const jobs = [...scan.jobs];
  for (const t of scan.trusted) {
    const obj = pack?.get(t.digest);
    if (obj) results.push(resultFromObject(t.rel, t.stat.size, t.digest, obj, true, statEntry(t.stat, t.digest)));
    else jobs.push({ rel: t.rel, abs: join(opts.root, t.rel) });
  }
  const run = await parseAll(jobs, { jobs: opts.jobs, known: new Set(pack?.digests() ?? []) });
  const retry: ParseJob[] = [];
  for (const r of run.results) {
    const known = r.known && pack ? fromKnown(r, pack) : undefined;
    if (known) results.push(known);
    else if (!r.known) results.push(r);
    else retry.push({ rel: r.rel, abs: join(opts.root, r.rel) }); // a damaged pack line: parse after all
  }
  if (retry.length) results.push(...(await parseAll(retry, { jobs: 0, known: new Set() })).results);
  results.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const indexed = results.filter((r) => r.stat).length;
  if (cache.dir && (jobs.length > 0 || !scan.index || Object.keys(scan.index.files).length !== indexed)) save(cache, opts.root, results, scan.startedAt, pack);
  getLogger().debug({ files: results.length, parsed: run.results.filter((r) => !r.cached).length, workers: run.workers }, 'genome files read');
  return { results, dirs: dirsOf(results.map((r) => r.rel)), skipped: scan.skipped, workers: run.workers, cache, durationMs: performance.now() - scan.started };
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

function save(cache: CacheInfo, root: string, results: FileResult[], startedAt: number, pack: ObjectPack | undefined): void {
  const index: StatIndex = { format: CACHE_FORMAT, root, written_at_ms: startedAt, files: {} };
  const lines = new Map<string, Uint8Array>();
  const utf8 = new TextEncoder();
  for (const r of results) {
    if (!r.stat || !r.object) continue;
    const digest = r.stat[4];
    index.files[r.rel] = r.stat;
    if (!lines.has(digest)) lines.set(digest, r.packLine ?? utf8.encode(`${digest} ${pack?.text(digest) ?? JSON.stringify(r.object)}\n`));
  }
  try {
    writeSnapshot(cache.dir!, index, [...lines.values()]);
  } catch (e) {
    Object.assign(cache, { reason: `cannot write the cache: ${errText(e)}` });
  }
}

export function dirsOf(rels: string[]): Set<string> {
  const dirs = new Set<string>(['']);
  for (const rel of rels) {
    const parts = rel.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return dirs;
}
