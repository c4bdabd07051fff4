import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenomeState, PainPoint } from '@autopoietic/core/schemas';
import { piecesToText, type Piece } from '../json-text.js';
import { genomePains } from '../pain-points.js';
import { assembleGenome, parseStats } from './assemble.js';
import { flakeShow, type FlakeShow } from './flake-eval.js';
import { readGenomeFiles, scanGenomeFiles, type FileScan, type GenomeFiles } from './files.js';
import { genomeKey, genomePieces, readMemo, renderGenome, writeMemo, type GenomePieces, type KeyEntry, type Memo } from './memo.js';
import { packageDirOrgans } from './organs.js';
import type { Jobs } from './parse-pool.js';

export type { Jobs } from './parse-pool.js';

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
  /** False when reused from the memo of an earlier run (validated when it was assembled). */
  fresh: boolean;
  /** The genome as an object; a reused one is parsed from its stored text on first use. */
  state(): GenomeState;
  /** The genome as the pretty JSON it is printed as, at depth 1 of the self-state, in pieces. */
  pieces(): Piece[];
  /** Keeps an assembled genome for the next run: call it once the self-state holding it was validated. */
  remember(): void;
}

type HostEntry = GenomeState['hosts'][number];

/**
 * The genome read as Nix structure: files, modules, imports, hosts, flake inputs and outputs,
 * organs. Fastest path first: when the stat index vouches for every file and the memo's inputs
 * match, the last assembled genome is reused without opening a single .nix file.
 */
export async function observeGenome(opts: GenomeOptions): Promise<GenomeObservation> {
  const flakeFile = existsSync(join(opts.root, 'flake.nix')) ? 'flake.nix' : undefined;
  // Evaluation runs in a child process while this process parses.
  const showing: Promise<FlakeShow> | undefined = opts.eval && flakeFile ? flakeShow(opts.root) : undefined;
  const scan = scanGenomeFiles(opts);
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
  const { state, unlockedInputs } = assembleGenome({ root: opts.root, flakeFile, files, lockText, packageDirs, eval: opts.eval, show: await showing });
  return assembled(state, genomePains(state, unlockedInputs), key ? (m) => writeMemo(memoDir!, opts.root, { ...m, key }) : undefined);
}

function assembled(state: GenomeState, pains: PainPoint[], write: ((m: Omit<Memo, 'key'>) => void) | undefined): GenomeObservation {
  let pieces: GenomePieces | undefined;
  const piecesOf = () => (pieces ??= genomePieces(state));
  return {
    hosts: state.hosts,
    pains,
    fresh: true,
    state: () => state,
    pieces: () => renderGenome(piecesOf(), state),
    remember: () => write?.({ hosts: state.hosts, nixFiles: state.nix_files, pains, pieces: piecesOf() }),
  };
}

/** A reused genome: printed from its stored text; parsed only if someone asks for the object. */
function fromMemo(memo: Memo, files: Pick<GenomeFiles, 'results' | 'workers' | 'durationMs' | 'cache'>): GenomeObservation {
  const cached = new Map(files.results.map((r) => [r.rel, r.cached]));
  const nixFiles = memo.nixFiles.map((f) => ({ ...f, cached: cached.get(f.path) ?? false }));
  const stats = parseStats(files);
  stats.syntax_errors = nixFiles.filter((f) => f.parse.status === 'syntax-error').length;
  let state: GenomeState | undefined;
  const piecesOf = () => renderGenome(memo.pieces, { nix_files: nixFiles, parse_stats: stats });
  return {
    hosts: memo.hosts,
    pains: memo.pains,
    fresh: false,
    state: () => (state ??= JSON.parse(piecesToText(piecesOf())) as GenomeState),
    pieces: piecesOf,
    remember: () => undefined,
  };
}

/** Stats for a run that opened no file: every regular file came from the index. */
function scanStats(scan: FileScan): Pick<GenomeFiles, 'results' | 'workers' | 'durationMs' | 'cache'> {
  const results = [...scan.trusted.map((t) => ({ rel: t.rel, bytes: t.stat.size, sha256: `sha256:${t.digest}`, cached: true, status: 'ok' as const })), ...scan.unreadable];
  return { results, workers: 0, durationMs: performance.now() - scan.started, cache: scan.cache };
}

/** flake.lock's text; undefined when absent; `{ error }` when it exists but cannot be read. */
function readLockText(root: string): string | { error: string } | undefined {
  try {
    return readFileSync(join(root, 'flake.lock'), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? undefined : { error: `cannot read flake.lock: ${code}` };
  }
}
