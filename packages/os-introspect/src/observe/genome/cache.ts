import { lstatSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readBoundedFile } from '@autopoietic/core/adapters';
import { sha256Hex } from '@autopoietic/core/canonical';
import { NIX_ANALYSIS_VERSION, NIX_GRAMMAR_PACKAGE, type NixFileAnalysis } from '@autopoietic/core/nix-syntax';
import { checkedJson } from './checksum.js';
import { removeStaleTemps, writeReplacing } from './replace-file.js';

export { writeReplacing } from './replace-file.js';

/**
 * The parse cache under `<memory dir>/cache/introspect/v<format>.<analysis>-<grammar>/roots/`,
 * three files per genome root:
 *
 * - `<root>.index.json`: a stat index (size, mtime, ctime, inode -> content digest), so that a
 *   re-run does not even re-read unchanged files. An entry is only trusted when the file last
 *   changed before the previous run started (git's "racily clean" rule); otherwise the file is
 *   re-read and hashed.
 * - `<root>.objects.jsonl`: what each file CONTENT analyses to, one `<sha256> <crc32> <json>` line
 *   per content (path-independent: a file moved, copied or touched is not re-parsed). Read only
 *   when some file must be parsed or the genome reassembled; a line is checked and parsed only
 *   when used (a line that fails its checksum is parsed again from the file), and carried over
 *   to the next pack as text, so a run never re-serialises what it did not change.
 * - `<root>.genome.json`: the assembled genome of the last run (memo.ts).
 *
 * A few files per root rather than one per object: writing thousands of small files cost more
 * than parsing them. The objects hold only the contents present, so the cache never grows
 * beyond the tree. Writes are temp + rename without fsync: the cache is not a record; a torn,
 * damaged or stale file fails its checks (checksum.ts) on read and its content is recomputed.
 *
 * Format 4: format 3 caches may hold a host error taken for Nix's verdict on a file (confirm.ts), a
 * "syntax error" a working Nix would not report; they are left behind, not read, and removed once
 * unused for a month (removeStaleVersions), as are those of other analysis versions.
 */
export const CACHE_FORMAT = 4;

export interface Confirmation {
  status: 'confirmed' | 'not-confirmed' | 'unavailable';
  detail?: string;
  /** Nix's own diagnostic when it rejects the file. */
  nix?: { line: number; col: number; message: string };
  nix_version: string | null;
}

/**
 * Whether an analysis may be kept for its content: not when Nix could not be asked about it
 * (`unavailable`: not installed, timed out, crashed). That says something about this run's host,
 * not the content; kept, it stood for the file in every later run, even once Nix answered.
 */
export function cacheable(obj: Pick<CacheObject, 'confirmation'>): boolean {
  return obj.confirmation?.status !== 'unavailable';
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

/**
 * The analyses of one root's file contents, by digest, as read from the pack: each kept as its
 * line's text after the digest (packBody) and checked and parsed on first use.
 */
export class ObjectPack {
  private readonly parsed = new Map<string, CacheObject>();

  constructor(private readonly texts: Map<string, string> = new Map()) {}

  has(digest: string): boolean {
    return this.texts.has(digest);
  }

  digests(): IterableIterator<string> {
    return this.texts.keys();
  }

  /** The line's text after the digest, to carry over to the next pack as it is. */
  body(digest: string): string | undefined {
    return this.texts.get(digest);
  }

  get(digest: string): CacheObject | undefined {
    const hit = this.parsed.get(digest);
    if (hit) return hit;
    const body = this.texts.get(digest);
    const text = body === undefined ? undefined : checkedJson(body);
    if (text === undefined) return undefined;
    try {
      const obj = JSON.parse(text) as CacheObject;
      if ((obj?.kind !== 'nix' && obj?.kind !== 'not-text') || !cacheable(obj)) return undefined;
      this.parsed.set(digest, obj);
      return obj;
    } catch {
      return undefined;
    }
  }
}

export function cacheDirFor(memoryDir: string): string {
  const tag = sha256Hex(`${NIX_GRAMMAR_PACKAGE}\n${process.env.AUTOPOIETIC_NIX_GRAMMAR ?? ''}`).slice(0, 12);
  return join(memoryDir, 'cache', 'introspect', `v${CACHE_FORMAT}.${NIX_ANALYSIS_VERSION}-${tag}`);
}

/** What cacheDirFor names, for any format, analysis version and grammar. */
const VERSION_DIR = /^v\d+\.\d+-[0-9a-f]{12}$/;

/** How long a cache of another version (or grammar) stays after it was last written or read. */
export const STALE_VERSION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Removes the caches that other versions of the analysis (or other grammars) left beside
 * `cacheDir`, once none of their files was written or read (atime, where the mount keeps it) for
 * STALE_VERSION_MS: each upgrade that changes the analysis starts a new directory, and the old one
 * would stay for good. Not sooner: two installs sharing a memory directory (the Nix package and a
 * checkout, with different grammar paths) would otherwise take turns wiping each other's cache.
 * Only real directories named as caches are removed; a link in their place is left alone.
 */
export function removeStaleVersions(cacheDir: string, now = Date.now()): void {
  const parent = dirname(cacheDir);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const dir = join(parent, name);
    if (dir === cacheDir || !VERSION_DIR.test(name)) continue;
    try {
      if (!lstatSync(dir).isDirectory()) continue;
      if (now - lastUsedMs(dir) > STALE_VERSION_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another run removed it, or it cannot be read: left for a later run.
    }
  }
}

/** The latest write or read of a cache directory, its `roots/` directory or any file in it. */
function lastUsedMs(dir: string): number {
  const roots = join(dir, 'roots');
  let latest = lstatSync(dir).mtimeMs;
  let files: string[] = [];
  try {
    latest = Math.max(latest, lstatSync(roots).mtimeMs);
    files = readdirSync(roots);
  } catch {
    return latest;
  }
  for (const f of files) {
    try {
      const st = lstatSync(join(roots, f));
      latest = Math.max(latest, st.mtimeMs, st.atimeMs);
    } catch {
      // gone meanwhile
    }
  }
  return latest;
}

export function snapshotPath(cacheDir: string, root: string, suffix: 'index' | 'objects' | 'genome'): string {
  return join(cacheDir, 'roots', `${sha256Hex(root).slice(0, 24)}.${suffix}.${suffix === 'objects' ? 'jsonl' : 'json'}`);
}

/** What snapshotPath names, for any root. */
const SNAPSHOT = /^[0-9a-f]{24}\.(?:index\.json|objects\.jsonl|genome\.json)$/;

/** Removes what runs killed while writing this cache left behind (replace-file.ts), for every root. */
export function removeLeftovers(cacheDir: string): void {
  removeStaleTemps(join(cacheDir, 'roots'), SNAPSHOT);
}

export function readStatIndex(cacheDir: string, root: string): StatIndex | undefined {
  const s = readJson(snapshotPath(cacheDir, root, 'index')) as StatIndex | undefined;
  return s && s.format === CACHE_FORMAT && s.root === root && typeof s.files === 'object' && typeof s.written_at_ms === 'number' ? s : undefined;
}

export function readObjects(cacheDir: string, root: string): ObjectPack {
  const bytes = readCacheFile(snapshotPath(cacheDir, root, 'objects'));
  if (bytes === undefined) return new ObjectPack();
  const text = bytes.toString('utf8');
  const lines = text.split('\n');
  const header = readHeader(lines[0] ?? '');
  if (!header || header.format !== CACHE_FORMAT || header.root !== root) return new ObjectPack();
  const texts = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const cut = line.indexOf(' ');
    if (cut === 64 && /^[0-9a-f]{64}$/.test(line.slice(0, 64))) texts.set(line.slice(0, 64), line.slice(65));
  }
  return new ObjectPack(texts);
}

function readHeader(line: string): { format?: unknown; root?: unknown } | undefined {
  try {
    return JSON.parse(line) as { format?: unknown; root?: unknown };
  } catch {
    return undefined;
  }
}

/**
 * Objects first, then the index: an index never vouches for a digest whose object is missing.
 * `lines` are the pack's `<digest> <crc32> <json>\n` lines as UTF-8 (new ones encoded by the thread that
 * parsed the file). Written synchronously (writeReplacing says why).
 */
export async function writeSnapshot(cacheDir: string, index: StatIndex, lines: Uint8Array[]): Promise<void> {
  const header = Buffer.from(`${JSON.stringify({ format: CACHE_FORMAT, root: index.root })}\n`, 'utf8');
  await writeReplacing(snapshotPath(cacheDir, index.root, 'objects'), [header, ...lines]);
  await writeReplacing(snapshotPath(cacheDir, index.root, 'index'), [Buffer.from(JSON.stringify(index), 'utf8')]);
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
  const bytes = readCacheFile(path);
  try {
    return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as unknown);
  } catch {
    return undefined;
  }
}

/** Far above any cache file (the genome memo of 100,000 files is 47 MB), and below what a string may hold. */
const MAX_CACHE_FILE_BYTES = 512 * 1024 * 1024;

/**
 * A cache file's bytes; undefined when it is absent or is no regular file: a link to /dev/zero
 * in its place was read until the run was killed, and a FIFO waited for a writer. The run then
 * recomputes, as for a damaged file, and its write replaces the entry.
 */
export function readCacheFile(path: string): Buffer | undefined {
  const r = readBoundedFile(path, MAX_CACHE_FILE_BYTES);
  return r.ok ? r.bytes : undefined;
}
