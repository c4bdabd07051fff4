import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '@autopoietic/core/canonical';
import { NIX_ANALYSIS_VERSION, NIX_GRAMMAR_PACKAGE, type NixFileAnalysis } from '@autopoietic/core/nix-syntax';

/**
 * The parse cache under `<memory dir>/cache/introspect/`:
 *
 * - `objects/<2 hex>/<sha256 hex>.json`: what one file CONTENT analyses to (path-independent, so a
 *   file moved or copied is not re-parsed). Keyed by the content digest.
 * - `roots/<digest of the genome root>.json`: a stat index (size, mtime, ctime, inode -> digest)
 *   so that a re-run does not even re-read unchanged files. An entry is only trusted when the
 *   file last changed before the index was written (git's "racily clean" rule), otherwise the
 *   file is re-read and re-hashed.
 *
 * The directory name carries the analysis version and grammar, so a new extractor never reads
 * old results. Writes are temp + rename without fsync: the cache is not a record, a torn or
 * stale object fails its checks on read and is simply recomputed.
 */
export const CACHE_FORMAT = 1;

export interface Confirmation {
  status: 'confirmed' | 'not-confirmed' | 'unavailable';
  detail?: string;
  /** Nix's own diagnostic when it rejects the file. */
  nix?: { line: number; col: number; message: string };
  nix_version: string | null;
}

export interface CacheObject {
  format: number;
  digest: string;
  kind: 'nix' | 'not-text';
  reason?: string;
  analysis?: NixFileAnalysis;
  confirmation?: Confirmation;
}

/** [size, mtimeMs, ctimeMs, ino, digest hex] */
export type StatEntry = [number, number, number, number, string];

export interface StatIndex {
  format: number;
  root: string;
  written_at_ms: number;
  files: Record<string, StatEntry>;
}

export function cacheDirFor(memoryDir: string): string {
  const tag = sha256Hex(`${NIX_GRAMMAR_PACKAGE}\n${process.env.AUTOPOIETIC_NIX_GRAMMAR ?? ''}`).slice(0, 12);
  return join(memoryDir, 'cache', 'introspect', `v${CACHE_FORMAT}.${NIX_ANALYSIS_VERSION}-${tag}`);
}

/** Object store operations; used by the main thread and by parse workers alike. */
export class ObjectStore {
  private readonly made = new Set<string>();

  constructor(readonly dir: string) {}

  objectPath(hex: string): string {
    return join(this.dir, 'objects', hex.slice(0, 2), `${hex}.json`);
  }

  read(hex: string): CacheObject | undefined {
    let obj: CacheObject;
    try {
      obj = JSON.parse(readFileSync(this.objectPath(hex), 'utf8')) as CacheObject;
    } catch {
      return undefined;
    }
    return obj && obj.format === CACHE_FORMAT && obj.digest === hex ? obj : undefined;
  }

  write(obj: CacheObject): void {
    const shard = join(this.dir, 'objects', obj.digest.slice(0, 2));
    if (!this.made.has(shard)) {
      mkdirSync(shard, { recursive: true });
      this.made.add(shard);
    }
    writeReplacing(this.objectPath(obj.digest), JSON.stringify(obj));
  }
}

export function indexPath(cacheDir: string, root: string): string {
  return join(cacheDir, 'roots', `${sha256Hex(root).slice(0, 24)}.json`);
}

export function readStatIndex(cacheDir: string, root: string): StatIndex | undefined {
  try {
    const idx = JSON.parse(readFileSync(indexPath(cacheDir, root), 'utf8')) as StatIndex;
    return idx.format === CACHE_FORMAT && idx.root === root && typeof idx.files === 'object' ? idx : undefined;
  } catch {
    return undefined;
  }
}

export function writeStatIndex(cacheDir: string, index: StatIndex): void {
  mkdirSync(join(cacheDir, 'roots'), { recursive: true });
  writeReplacing(indexPath(cacheDir, index.root), JSON.stringify(index));
}

/** The digest an index entry vouches for, when the file's stat still matches and is not racy. */
export function trustedDigest(index: StatIndex | undefined, rel: string, st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): string | undefined {
  const e = index?.files[rel];
  if (!index || !e) return undefined;
  if (e[0] !== st.size || e[1] !== st.mtimeMs || e[2] !== st.ctimeMs || e[3] !== st.ino) return undefined;
  if (st.mtimeMs >= index.written_at_ms || st.ctimeMs >= index.written_at_ms) return undefined;
  return e[4];
}

/** Writes a file so that readers see the old or the new content, never a torn one. */
function writeReplacing(path: string, text: string): void {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
