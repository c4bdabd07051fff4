import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '@autopoietic/core/canonical';
import { NIX_ANALYSIS_VERSION, NIX_GRAMMAR_PACKAGE, type NixFileAnalysis } from '@autopoietic/core/nix-syntax';

/**
 * The parse cache under `<memory dir>/cache/introspect/v<format>.<analysis>-<grammar>/roots/`,
 * three files per genome root:
 *
 * - `<root>.index.json`: a stat index (size, mtime, ctime, inode -> content digest), so that a
 *   re-run does not even re-read unchanged files. An entry is only trusted when the file last
 *   changed before the previous run started (git's "racily clean" rule); otherwise the file is
 *   re-read and hashed.
 * - `<root>.objects.json`: what each file CONTENT analyses to, keyed by its sha256
 *   (path-independent: a file moved, copied or touched is not re-parsed). Read only when some
 *   file must be parsed or the genome reassembled.
 * - `<root>.genome.json`: the assembled genome of the last run (memo.ts).
 *
 * A few files per root rather than one per object: writing thousands of small files cost more
 * than parsing them. The objects hold only the contents present, so the cache never grows
 * beyond the tree. Writes are temp + rename without fsync: the cache is not a record; a torn or
 * stale file fails its checks on read and its content is recomputed.
 */
export const CACHE_FORMAT = 2;

export interface Confirmation {
  status: 'confirmed' | 'not-confirmed' | 'unavailable';
  detail?: string;
  /** Nix's own diagnostic when it rejects the file. */
  nix?: { line: number; col: number; message: string };
  nix_version: string | null;
}

export interface CacheObject {
  kind: 'nix' | 'not-text';
  reason?: string;
  analysis?: NixFileAnalysis;
  confirmation?: Confirmation;
}

/** [size, mtimeMs, ctimeMs, ino, digest hex] */
export type StatEntry = [number, number, number, number, string];

/** The stat index of one root: small, read on every run. */
export interface StatIndex {
  format: number;
  root: string;
  /** When the run that wrote it started reading files. */
  written_at_ms: number;
  files: Record<string, StatEntry>;
}

/** The analyses of one root's file contents, by digest: read only when something must be parsed. */
export interface ObjectPack {
  format: number;
  root: string;
  objects: Record<string, CacheObject>;
}

export function cacheDirFor(memoryDir: string): string {
  const tag = sha256Hex(`${NIX_GRAMMAR_PACKAGE}\n${process.env.AUTOPOIETIC_NIX_GRAMMAR ?? ''}`).slice(0, 12);
  return join(memoryDir, 'cache', 'introspect', `v${CACHE_FORMAT}.${NIX_ANALYSIS_VERSION}-${tag}`);
}

export function snapshotPath(cacheDir: string, root: string, suffix: 'index' | 'objects' | 'genome'): string {
  return join(cacheDir, 'roots', `${sha256Hex(root).slice(0, 24)}.${suffix}.json`);
}

export function readStatIndex(cacheDir: string, root: string): StatIndex | undefined {
  const s = readJson(snapshotPath(cacheDir, root, 'index')) as StatIndex | undefined;
  return s && s.format === CACHE_FORMAT && s.root === root && typeof s.files === 'object' && typeof s.written_at_ms === 'number' ? s : undefined;
}

export function readObjects(cacheDir: string, root: string): Record<string, CacheObject> {
  const p = readJson(snapshotPath(cacheDir, root, 'objects')) as ObjectPack | undefined;
  return p && p.format === CACHE_FORMAT && p.root === root && typeof p.objects === 'object' ? p.objects : {};
}

/** Objects first, then the index: an index never vouches for a digest whose object is missing. */
export function writeSnapshot(cacheDir: string, index: StatIndex, objects: Record<string, CacheObject>): void {
  writeReplacing(snapshotPath(cacheDir, index.root, 'objects'), JSON.stringify({ format: CACHE_FORMAT, root: index.root, objects } satisfies ObjectPack));
  writeReplacing(snapshotPath(cacheDir, index.root, 'index'), JSON.stringify(index));
}

/** The digest an index entry vouches for, when the file's stat still matches and is not racy. */
export function trustedDigest(snapshot: Pick<StatIndex, 'files' | 'written_at_ms'> | undefined, rel: string, st: { size: number; mtimeMs: number; ctimeMs: number; ino: number }): string | undefined {
  const e = snapshot?.files[rel];
  if (!snapshot || !e) return undefined;
  if (e[0] !== st.size || e[1] !== st.mtimeMs || e[2] !== st.ctimeMs || e[3] !== st.ino) return undefined;
  if (st.mtimeMs >= snapshot.written_at_ms || st.ctimeMs >= snapshot.written_at_ms) return undefined;
  return e[4];
}

export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Writes a file so that readers see the old or the new content, never a torn one. */
export function writeReplacing(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
