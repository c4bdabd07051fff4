import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_DOCUMENT_FILE_BYTES, readBoundedFile } from '@autopoietic/core/adapters';
import type { GenomeState, PainPoint } from '@autopoietic/core/schemas';
import { piecesToText, type Piece } from '../json-text.js';
import { genomePains } from '../pain-points.js';
import { assembleGenome, parseStats, type AssembledGenome } from './assemble.js';
import { flakeShow, type FlakeShow } from './flake-eval.js';
import { cacheFailure, readGenomeFiles, scanGenomeFiles, type CacheInfo, type FileScan, type GenomeFiles } from './files.js';
import { genomeKey, genomePieces, readMemo, renderGenome, writeMemo, type GenomePieces, type KeyEntry, type Memo } from './memo.js';
import { loadNixParser } from '@autopoietic/core/nix-syntax';
import { cacheable, cacheDirFor, snapshotPath } from './cache.js';
import { packageDirOrgans } from './package-dir-organs.js';
import { notCheckedOut } from './sparse.js';
import { EarlyWorkers, stopLauncherWorker, type Jobs } from './parse-threads.js';
import { trace } from '../trace.js';

export type { Jobs } from './parse-threads.js';

export interface GenomeOptions {
  root: string;
  memoryDir: string;
  eval: boolean;
  cache: boolean;
  jobs: Jobs;
}

export interface GenomeObservation {
  hosts: HostEntry[];
  /** Files that do not parse, imports of missing files, inputs flake.lock does not lock. */
  pains: PainPoint[];
  /** The genome as an object; a reused one is parsed from its stored text on first use. */
  state(): GenomeState;
  /**
   * What the self-state's validation checks of the genome: an assembled genome with `modules`
   * empty (each module entry was checked where it was made; `invalidModules` says which failed),
   * none for a reused genome (checked when it was assembled).
   */
  forValidation(): { genome: GenomeState | undefined; invalidModules: string[] };
  /** The genome as the pretty JSON it is printed as, at depth 1 of the self-state, in pieces. */
  pieces(): Piece[];
  /** Keeps an assembled genome for the next run: call it once the self-state holding it was validated (the returned promise never rejects). */
  remember(): Promise<void>;
  /** The parse cache being written: once settled, `parse_stats.cache` says whether it was. */
  saved: Promise<void>;
  /** Once `saved` settled: why the cache could not be used or written, if it could not. */
  cacheFailure(): string | undefined;
}

type HostEntry = GenomeState['hosts'][number];

/**
 * The genome read as Nix structure: files, modules, imports, hosts, flake inputs and outputs,
 * organs. Fastest path first: when the stat index vouches for every file and the memo's inputs
 * match, the last assembled genome is reused without opening a single .nix file.
 */
export async function observeGenome(opts: GenomeOptions): Promise<GenomeObservation> {
  const early = likelyCold(opts) ? startParsing(opts.jobs) : undefined;
  if (!early) stopLauncherWorker();
  try {
    return await observe({ ...opts, ...(early ? { early } : {}) });
  } finally {
    early?.close();
  }
}

/**
 * A run with no stat index for this root (a first run, or the cache off) will parse every file:
 * its parse workers start, and this thread's grammar loads, while the tree is walked. On a small
 * tree the pool then stops the workers unused (a thread start on another core, no wall time).
 */
function likelyCold(opts: GenomeOptions): boolean {
  return !opts.cache || !existsSync(snapshotPath(cacheDirFor(opts.memoryDir), opts.root, 'index'));
}

function startParsing(jobs: Jobs): EarlyWorkers | undefined {
  // Loaded again (the same promise) when this thread parses; a failure is reported then.
  loadNixParser().catch(() => undefined);
  return EarlyWorkers.start(jobs);
}

async function observe(opts: GenomeOptions & { early?: EarlyWorkers }): Promise<GenomeObservation> {
  const flakeFile = existsSync(join(opts.root, 'flake.nix')) ? 'flake.nix' : undefined;
  // Evaluation runs in a child process while this process parses.
  const showing: Promise<FlakeShow> | undefined = opts.eval && flakeFile ? flakeShow(opts.root) : undefined;
  // git (only in a sparse checkout) lists the files left out while the tree is walked.
  const leftOut = notCheckedOut(opts.root);
  const scan = scanGenomeFiles(opts);
  scan.skipped.push(...(await leftOut));
  const lockText = readLockText(opts.root);
  const packageDirs = packageDirOrgans(opts.root);
  const memoDir = !opts.eval && scan.cache.dir ? scan.cache.dir : undefined;
  const keyOf = (files: KeyEntry[]) => genomeKey({ root: opts.root, files, skipped: scan.skipped, lockText, packageDirs });
  if (memoDir && scan.jobs.length === 0) {
    const memo = readMemo(memoDir, opts.root, keyOf([...scan.trusted.map((t) => ({ rel: t.rel, digest: t.digest })), ...scan.unreadable]));
    if (memo) return fromMemo(memo, scanStats(scan));
  }
  const files = await readGenomeFiles(scan);
  const key = memoDir ? keyOf(files.results.map((r) => ({ rel: r.rel, ...(r.sha256 ? { digest: r.sha256.slice(7) } : { status: r.status, ...(r.reason ? { reason: r.reason } : {}) }) }))) : undefined;
  const memo = key ? readMemo(memoDir!, opts.root, key) : undefined;
  if (memo) return fromMemo(memo, files);
  const genome = assembleGenome({ root: opts.root, flakeFile, files, lockText, packageDirs, eval: opts.eval, show: await showing });
  trace('assembled');
  const invalid = files.results.flatMap((r) => (r.facts?.invalid ? [r.facts.invalid] : []));
  // Not kept when it holds an analysis the cache does not keep (a confirmation Nix could not give).
  const keep = key && files.results.every(cacheable) ? (m: Omit<Memo, 'key'>) => writeMemo(memoDir!, opts.root, { ...m, key }) : undefined;
  return assembled(genome, invalid, files, keep);
}

const decoder = new TextDecoder();

function assembled(genome: AssembledGenome, invalidModules: string[], { saved, cache }: { saved: Promise<void>; cache: CacheInfo }, write: ((m: Omit<Memo, 'key'>) => Promise<void>) | undefined): GenomeObservation {
  const { state, moduleJson } = genome;
  const pains = genomePains({ nix_files: state.nix_files, modules: genome.modules, skipped: state.skipped }, genome.unlockedInputs);
  let pieces: GenomePieces | undefined;
  let whole: GenomeState | undefined;
  const piecesOf = () => (pieces ??= genomePieces(state, moduleJson));
  return {
    hosts: state.hosts,
    pains,
    state: () => (whole ??= { ...state, modules: moduleJson.map((b) => JSON.parse(decoder.decode(b)) as GenomeState['modules'][number]) }),
    forValidation: () => ({ genome: state, invalidModules }),
    pieces: () => renderGenome(piecesOf(), state),
    remember: async () => write?.({ hosts: state.hosts, nixFiles: state.nix_files, pains, pieces: piecesOf() }),
    saved,
    cacheFailure: () => cacheFailure(cache),
  };
}

/** A reused genome: printed from its stored text; parsed only if someone asks for the object. */
function fromMemo(memo: Memo, files: Pick<GenomeFiles, 'results' | 'workers' | 'durationMs' | 'cache' | 'saved'>): GenomeObservation {
  const cached = new Map(files.results.map((r) => [r.rel, r.cached]));
  const nixFiles = memo.nixFiles.map((f) => ({ ...f, cached: cached.get(f.path) ?? false }));
  const stats = parseStats(files);
  stats.syntax_errors = nixFiles.filter((f) => f.parse.status === 'syntax-error').length;
  let state: GenomeState | undefined;
  const piecesOf = () => renderGenome(memo.pieces, { nix_files: nixFiles, parse_stats: stats });
  return {
    hosts: memo.hosts,
    pains: memo.pains,
    state: () => (state ??= JSON.parse(piecesToText(piecesOf())) as GenomeState),
    forValidation: () => ({ genome: undefined, invalidModules: [] }),
    pieces: piecesOf,
    remember: async () => undefined,
    saved: files.saved,
    cacheFailure: () => cacheFailure(files.cache),
  };
}

/** Stats for a run that opened no file: every regular file came from the index. */
function scanStats(scan: FileScan): Pick<GenomeFiles, 'results' | 'workers' | 'durationMs' | 'cache' | 'saved'> {
  const results = [...scan.trusted.map((t) => ({ rel: t.rel, bytes: t.stat.size, sha256: `sha256:${t.digest}`, cached: true, status: 'ok' as const })), ...scan.unreadable];
  return { results, workers: 0, durationMs: performance.now() - scan.started, cache: scan.cache, saved: Promise.resolve() };
}

/**
 * flake.lock's text; undefined when absent; `{ error }` when it exists but cannot be read. Only a
 * regular file is read: a genome's flake.lock linking to /dev/zero (git keeps symlinks) was read
 * until the process was killed, and a FIFO waited for a writer.
 */
function readLockText(root: string): string | { error: string } | undefined {
  const r = readBoundedFile(join(root, 'flake.lock'), MAX_DOCUMENT_FILE_BYTES);
  if (r.ok) return r.bytes.toString('utf8');
  return r.code === 'ENOENT' ? undefined : { error: `cannot read flake.lock: ${r.reason}` };
}
