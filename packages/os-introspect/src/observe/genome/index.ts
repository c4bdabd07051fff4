import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenomeState } from '@autopoietic/core/schemas';
import { assembleGenome, parseStats } from './assemble.js';
import { flakeShow, type FlakeShow } from './flake-eval.js';
import { readGenomeFiles, scanGenomeFiles, type FileScan, type GenomeFiles } from './files.js';
import { genomeKey, readMemo, writeMemo, type KeyEntry, type Memo } from './memo.js';
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
  state: GenomeState;
  /** Inputs flake.nix declares that flake.lock does not lock. */
  unlockedInputs: string[];
  /** False when the genome was reused from the memo of an earlier run (already validated then). */
  fresh: boolean;
}

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
  if (key) writeMemo(memoDir!, opts.root, key, state, unlockedInputs);
  return { state, unlockedInputs, fresh: true };
}

function fromMemo(memo: Memo, files: Pick<GenomeFiles, 'results' | 'workers' | 'durationMs' | 'cache'>): GenomeObservation {
  const cached = new Map(files.results.map((r) => [r.rel, r.cached]));
  const nixFiles = memo.genome.nix_files.map((f) => ({ ...f, cached: cached.get(f.path) ?? false }));
  const stats = parseStats(files);
  stats.syntax_errors = nixFiles.filter((f) => f.parse.status === 'syntax-error').length;
  return { state: { ...memo.genome, nix_files: nixFiles, parse_stats: stats }, unlockedInputs: memo.unlocked, fresh: false };
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
