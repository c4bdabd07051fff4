import type { z } from 'zod';
import { byCodeUnit, sha256Hex } from '@autopoietic/core/canonical';
import type { GenomeState, HostEntry, NixFileEntry, PainPoint } from '@autopoietic/core/schemas';
import { TOOL_VERSION } from '../../version.js';
import { piecesToBytes, prettyArray, prettyAt, prettyObject, type Piece } from '../json-text.js';
import type { WalkProblem } from '../walk.js';
import { CACHE_FORMAT, readCacheFile, snapshotPath, writeReplacing } from './cache.js';
import { checksum, checksumOf } from './checksum.js';

/**
 * The assembled genome of the last run, reused when none of its inputs changed: the same files
 * with the same contents (digests), the same skipped entries, flake.lock and package
 * directories, and the same tool version. Runs with --eval are never memoised (an evaluation is
 * not a file). Bump ASSEMBLY_VERSION when the way a genome is assembled from analyses changes
 * (5: memos holding a confirmation Nix could not give are no longer kept, so older ones go;
 * 7: an identity set inline is placed in the file that lists the host's modules; 8: the hosts'
 * inline modules give Home Manager organs; 9: an organ's line is one of its source file, or null;
 * 10: outputs re-exported from inputs give no organs, a user's `imports` give Home Manager organs;
 * 11: Home Manager sharedModules and user modules written as functions give Home Manager organs;
 * 12: flake-parts modules' imports through `self` are files of the flake; 13: module organs are
 * typed by the import graph's walks from Home Manager and NixOS modules, home_manager_modules;
 * 14: standalone Home Manager configurations' modules start a Home Manager walk and give organs;
 * 15: also those of a configuration built in another file; 16: timers are named `<n>.timer`;
 * 17: a system unit named `user:…` or `system:…` is named `system:<n>`; 18: a Home Manager module
 * written through the flake's `self` is a file of flake.nix's directory; 19: the modules of
 * `home-manager.sharedModules` written in place give user unit organs; 20: a service named with a
 * unit type's suffix, `x.timer`, is the organ `x.timer.service`; 21: the modules written inline in
 * a host's module list give unit organs; 22: so do those of a standalone Home Manager
 * configuration's `modules`).
 *
 * The genome is stored as the pretty JSON it is printed as, so a warm run prints its bytes
 * without decoding, parsing or serialising them: the CRC-32 of all that follows (checksum.ts),
 * a space, one line of JSON (the key, and what the rest of
 * the run needs parsed: hosts for the identity, the per-file entries, the genome's pain points,
 * and the layout: each property's byte length), then the UTF-8 text of each genome property,
 * back to back. The per-run properties (`nix_files`, whose `cached` flags change, and
 * `parse_stats`) are rendered by each run.
 */
const ASSEMBLY_VERSION = 22;
/** `<crc32 of the rest, 8 hex> `: the memo's first bytes. */
const CRC_PREFIX = 9;
const PER_RUN = new Set(['nix_files', 'parse_stats']);

type Host = z.infer<typeof HostEntry>;
type NixFile = z.infer<typeof NixFileEntry>;

/** The genome as pretty JSON pieces (each at depth 2, inside the self-state's `genome`). */
export interface GenomePieces {
  /** Property name and its UTF-8 text, in pieces; null for the properties each run renders (PER_RUN). */
  layout: [string, Uint8Array[] | null][];
}

export interface Memo {
  key: string;
  hosts: Host[];
  nixFiles: NixFile[];
  pains: PainPoint[];
  pieces: GenomePieces;
}

interface MemoHead {
  format: number;
  key: string;
  hosts: Host[];
  nix_files: NixFile[];
  pains: PainPoint[];
  layout: [string, number | null][];
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
    .sort((a, b) => byCodeUnit(a.rel, b.rel))
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

/**
 * The pieces of a genome: every property rendered once, except the per-run ones; `modules` from
 * its elements, rendered where each module was read (file-facts.ts).
 */
export function genomePieces(genome: GenomeState, moduleJson: Uint8Array[]): GenomePieces {
  const bytes = (k: string, v: unknown) => (k === 'modules' ? piecesToBytes(prettyArray(moduleJson, 2)) : [Buffer.from(prettyAt(v, 2), 'utf8')]);
  return { layout: Object.entries(genome).map(([k, v]) => [k, PER_RUN.has(k) ? null : bytes(k, v)]) };
}

/** The genome's pretty JSON at depth 1 (as it sits in the self-state). */
export function renderGenome(pieces: GenomePieces, perRun: Pick<GenomeState, 'nix_files' | 'parse_stats'>): Piece[] {
  const fresh: Record<string, unknown> = perRun;
  return prettyObject(pieces.layout.map(([k, bytes]) => [k, bytes ?? prettyAt(fresh[k], 2)]), 1);
}

export function readMemo(cacheDir: string, root: string, key: string): Memo | undefined {
  const data = readCacheFile(snapshotPath(cacheDir, root, 'genome'));
  if (data === undefined) return undefined;
  // The stored text is printed without being parsed, so the whole file is checked first.
  if (data.length < CRC_PREFIX || data[CRC_PREFIX - 1] !== 0x20 || checksum(data.subarray(CRC_PREFIX)) !== data.toString('latin1', 0, CRC_PREFIX - 1)) return undefined;
  const cut = data.indexOf(10);
  if (cut < 0) return undefined;
  let head: MemoHead;
  try {
    head = JSON.parse(data.toString('utf8', CRC_PREFIX, cut)) as MemoHead;
  } catch {
    return undefined;
  }
  if (head?.format !== CACHE_FORMAT || head.key !== key || !Array.isArray(head.layout) || !Array.isArray(head.hosts) || !Array.isArray(head.nix_files) || !Array.isArray(head.pains)) return undefined;
  const layout: [string, Uint8Array[] | null][] = [];
  let at = cut + 1;
  for (const [k, length] of head.layout) {
    layout.push([k, length === null ? null : [data.subarray(at, at + length)]]);
    at += length ?? 0;
  }
  // A torn or hand-edited file does not add up: recompute rather than print a broken genome.
  if (at !== data.length) return undefined;
  return { key, hosts: head.hosts, nixFiles: head.nix_files, pains: head.pains, pieces: { layout } };
}

/** Writes the memo (temp file and rename; synchronously, see writeReplacing); a memo that cannot be written only costs the next run an assembly. */
export async function writeMemo(cacheDir: string, root: string, memo: Memo): Promise<void> {
  const bytes = memo.pieces.layout.flatMap(([, b]) => b ?? []);
  const head: MemoHead = {
    format: CACHE_FORMAT,
    key: memo.key,
    hosts: memo.hosts,
    nix_files: memo.nixFiles,
    pains: memo.pains,
    layout: memo.pieces.layout.map(([k, bytes]) => [k, bytes === null ? null : bytes.reduce((n, b) => n + b.byteLength, 0)]),
  };
  const rest = [Buffer.from(`${JSON.stringify(head)}\n`, 'utf8'), ...bytes];
  try {
    await writeReplacing(snapshotPath(cacheDir, root, 'genome'), [Buffer.from(`${checksumOf(rest)} `, 'latin1'), ...rest]);
  } catch {
    // Not a record: see above.
  }
}
