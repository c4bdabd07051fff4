import { sha256Hex } from '@autopoietic/core/canonical';
import type { GenomeState } from '@autopoietic/core/schemas';
import { TOOL_VERSION } from '../../version.js';
import type { WalkProblem } from '../walk.js';
import { CACHE_FORMAT, readJson, snapshotPath, writeReplacing } from './cache.js';

/**
 * The assembled genome of the last run, reused when none of its inputs changed: the same files
 * with the same contents (digests), the same skipped entries, flake.lock and package
 * directories, and the same tool version. Runs with --eval are never memoised (an evaluation is
 * not a file). Bump ASSEMBLY_VERSION when the way a genome is assembled from analyses changes.
 */
const ASSEMBLY_VERSION = 3;

export interface Memo {
  format: number;
  key: string;
  genome: GenomeState;
  unlocked: string[];
}

/** One file as the key sees it: its content digest, or why it has none. */
export interface KeyEntry {
  rel: string;
  digest?: string;
  status?: string;
  reason?: string;
}

export interface KeyInputs {
  root: string;
  files: KeyEntry[];
  skipped: WalkProblem[];
  lockText: unknown;
  packageDirs: unknown;
}

export function genomeKey(k: KeyInputs): string {
  const files = [...k.files]
    .sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
    .map((f) => (f.digest ? `${f.rel}\u0000d\u0000${f.digest}` : `${f.rel}\u0000s\u0000${f.status}\u0000${f.reason ?? ''}`));
  const parts = [
    `aos-genome-memo ${ASSEMBLY_VERSION} ${TOOL_VERSION}`,
    k.root,
    files.join('\n'),
    k.skipped.map((s) => `${s.rel}\u0000${s.reason}`).join('\n'),
    typeof k.lockText === 'string' ? sha256Hex(k.lockText) : JSON.stringify(k.lockText ?? null),
    JSON.stringify(k.packageDirs),
  ];
  return sha256Hex(parts.join('\u0001'));
}

export function readMemo(cacheDir: string, root: string, key: string): Memo | undefined {
  const m = readJson(snapshotPath(cacheDir, root, 'genome')) as Memo | undefined;
  return m && m.format === CACHE_FORMAT && m.key === key && typeof m.genome === 'object' && Array.isArray(m.unlocked) ? m : undefined;
}

export function writeMemo(cacheDir: string, root: string, key: string, genome: GenomeState, unlocked: string[]): void {
  try {
    writeReplacing(snapshotPath(cacheDir, root, 'genome'), JSON.stringify({ format: CACHE_FORMAT, key, genome, unlocked } satisfies Memo));
  } catch {
    // A memo that cannot be written only costs the next run an assembly.
  }
}
