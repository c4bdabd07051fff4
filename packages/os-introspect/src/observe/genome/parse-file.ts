import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { sha256Hex } from '@autopoietic/core/canonical';
import { AosError } from '@autopoietic/core/cli-kit';
import { analyzeTree, MAX_NIX_FILE_BYTES, notUtf8Note, SyntaxTree, type GrammarNames, type NixFileAnalysis, type NixParser, type TreeData } from '@autopoietic/core/nix-syntax';
import type { CacheObject, Confirmation, StatEntry } from './cache.js';
import { packLine } from './checksum.js';
import type { CompiledValidator } from '@autopoietic/core/schemas/compiled';
import type { Confirmer } from './confirm.js';
import { assemblyView, fileFacts, type FileFacts } from './file-facts.js';
import type { GenomeLayout } from './model.js';
import { errText } from '../walk.js';

/**
 * One .nix file, from bytes to analysis: read, hash, skip contents the cache already knows,
 * otherwise parse, analyse and confirm syntax errors with Nix. Runs in a parse worker or in the
 * main thread, whole or in two halves (parseOnly in a worker, analyseParsed in the main thread;
 * see parse-pool.ts). The caller stores the results in the cache snapshot.
 */
export type ParseStatus = 'ok' | 'syntax-error' | 'unreadable' | 'not-text' | 'too-large';

export interface ParseJob {
  rel: string;
  abs: string;
}

export interface FileResult {
  rel: string;
  bytes: number;
  sha256: string | null;
  cached: boolean;
  status: ParseStatus;
  reason?: string;
  analysis?: NixFileAnalysis;
  confirmation?: Confirmation;
  stat?: StatEntry;
  /** What this content analyses to, for the cache snapshot (absent when `known`). */
  object?: CacheObject;
  /** `object` as JSON, when it was computed in this run (serialised where it was computed). */
  objectText?: string;
  /** Its line of the cache's object pack (`<digest> <crc32> <json>\n`, UTF-8), encoded where it was computed. */
  packLine?: Uint8Array;
  /** The content's digest is already in the cache: the caller fills the result from there. */
  known?: boolean;
  /** What the file adds to the genome (file-facts.ts), computed where it was analysed. */
  facts?: FileFacts;
}

/** What analysing a parsed file needs. */
export interface AnalysisContext {
  /** The grammar's names, to read trees with (the parser's `names`). */
  names: GrammarNames;
  confirm: Confirmer;
  /** The genome's files, to resolve imports with: each parsed file's facts are made right away. */
  layout: GenomeLayout;
  /** The compiled validator of a module entry (each is checked where it is made). */
  checkModule: CompiledValidator;
}

export interface ParseContext extends AnalysisContext {
  parser: NixParser;
  /** Digests (hex) the cache already holds an object for. */
  known: ReadonlySet<string>;
}

export function resultFromObject(rel: string, bytes: number, digest: string, obj: CacheObject, cached: boolean, stat?: StatEntry): FileResult {
  const base = { rel, bytes, sha256: `sha256:${digest}`, cached, object: obj, ...(stat ? { stat } : {}) };
  if (obj.kind === 'not-text') return { ...base, status: 'not-text', reason: obj.reason ?? 'not text' };
  const errors = obj.analysis?.syntax.errors.length ?? 0;
  const rejected = errors > 0 && obj.confirmation?.status !== 'not-confirmed';
  return {
    ...base,
    status: rejected ? 'syntax-error' : 'ok',
    ...(obj.analysis ? { analysis: obj.analysis } : {}),
    ...(obj.confirmation ? { confirmation: obj.confirmation } : {}),
  };
}

/**
 * A result parsed in this run as the genome's assembly keeps it, once its facts and pack line
 * exist: without the whole analysis (only assemblyView of it) and its JSON. A worker sends only
 * this; the main thread keeps only this (a smaller heap to scavenge while it parses).
 */
export function forAssembly(r: FileResult): FileResult {
  const { object: _o, objectText: _t, analysis, ...rest } = withPackLine(r);
  return analysis ? { ...rest, analysis: assemblyView(analysis) } : rest;
}

/** Adds the pack line of a result computed in this run (the thread that parsed it encodes it). */
function withPackLine(r: FileResult): FileResult {
  if (r.objectText === undefined || r.sha256 === null) return r;
  return { ...r, packLine: packLine(r.sha256.slice(7), r.objectText) };
}

/** A file read, hashed and decoded: Nix source to parse. */
interface Source {
  rel: string;
  bytes: number;
  digest: string;
  stat: StatEntry;
  text: string;
  /** The bytes are not valid UTF-8: `text` holds U+FFFD for each invalid sequence (decodeSource). */
  notUtf8?: true;
}

/** A file parsed by a parse worker that leaves the analysis to the thread that asked (parse-pool.ts). */
export interface ParsedSource {
  rel: string;
  bytes: number;
  digest: string;
  stat: StatEntry;
  /** The tree and, as its `text`, the source (sent once: a structured clone copies every string it meets). */
  tree: TreeData;
  notUtf8?: true;
}

export function isParsed(r: FileResult | ParsedSource): r is ParsedSource {
  return 'tree' in r;
}

/** Reads, parses and analyses one file (read, hash, cache check, parse, analysis, facts). */
export async function parseFile(job: ParseJob, ctx: ParseContext): Promise<FileResult> {
  const src = readSource(job, ctx.known);
  if (!('text' in src)) return src;
  const tree = parseOrResult(src, ctx.parser);
  return 'nodes' in tree ? analyseSource(src, tree, ctx) : tree;
}

/**
 * Reads and parses one file and stops there: the thread that asked analyses the tree (a parse
 * worker working for the main thread, parse-pool.ts). Files that are not parsed come back whole.
 */
export function parseOnly(job: ParseJob, parser: NixParser, known: ReadonlySet<string>): FileResult | ParsedSource {
  const src = readSource(job, known);
  if (!('text' in src)) return src;
  const tree = parseOrResult(src, parser);
  if (!('nodes' in tree)) return tree;
  return { rel: src.rel, bytes: src.bytes, digest: src.digest, stat: src.stat, tree, ...(src.notUtf8 ? { notUtf8: true as const } : {}) };
}

/** Analyses a file parseOnly parsed (in whichever thread did). */
export function analyseParsed(p: ParsedSource, ctx: AnalysisContext): Promise<FileResult> {
  return analyseSource({ rel: p.rel, bytes: p.bytes, digest: p.digest, stat: p.stat, text: p.tree.text, ...(p.notUtf8 ? { notUtf8: true as const } : {}) }, p.tree, ctx);
}

/**
 * Reads `job`: its Source, or its whole result when there is nothing to parse (unreadable, too
 * large, known to the cache, not text).
 */
function readSource(job: ParseJob, known: ReadonlySet<string>): Source | FileResult {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO that replaced the file since the walk must not hang the run.
    fd = openSync(job.abs, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return { rel: job.rel, bytes: 0, sha256: null, cached: false, status: 'unreadable', reason: errText(e) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { rel: job.rel, bytes: 0, sha256: null, cached: false, status: 'unreadable', reason: 'not a regular file' };
    if (st.size > MAX_NIX_FILE_BYTES) {
      return { rel: job.rel, bytes: st.size, sha256: null, cached: false, status: 'too-large', reason: `larger than ${MAX_NIX_FILE_BYTES} bytes: not parsed` };
    }
    const data = readAll(fd, st.size);
    const digest = sha256Hex(data);
    const stat: StatEntry = [data.length, st.mtimeMs, st.ctimeMs, st.ino, digest];
    if (known.has(digest)) return { rel: job.rel, bytes: data.length, sha256: `sha256:${digest}`, cached: true, status: 'ok', stat, known: true };
    const decoded = decodeSource(data);
    if ('text' in decoded) return { rel: job.rel, bytes: data.length, digest, stat, ...decoded };
    return { ...resultFromObject(job.rel, data.length, digest, decoded, false, stat), objectText: JSON.stringify(decoded), facts: { imports: [], organs: [] } };
  } catch (e) {
    return { rel: job.rel, bytes: 0, sha256: null, cached: false, status: 'unreadable', reason: errText(e) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Strict UTF-8 (one for every file: a decode without `stream` keeps no state between calls). A
 * byte-order mark is kept, not dropped as TextDecoder does by default: Nix rejects a file that
 * starts with one, and the analysis reports it (analyzeTree).
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The source text, or why these bytes are not Nix source. Bytes that are not UTF-8 (Latin-1 in a
 * comment, say) are Nix source all the same, read with U+FFFD in their place (notUtf8Note). NUL
 * bytes are not: Nix reads a file as a C string and would silently stop at the first one.
 */
function decodeSource(data: Buffer): { text: string; notUtf8?: true } | CacheObject {
  if (data.includes(0)) return { kind: 'not-text', reason: 'binary content (NUL bytes): not Nix source' };
  try {
    return { text: strictUtf8.decode(data) };
  } catch {
    return { text: lenientUtf8.decode(data), notUtf8: true };
  }
}

function parseOrResult(src: Source, parser: NixParser): TreeData | FileResult {
  try {
    return parser.parseData(src.text);
  } catch (e) {
    // The parser gave up on it (see parseTimeLimitMs): read, but too much to parse.
    if (e instanceof AosError && e.code === 'nix-parse-too-slow') return { rel: src.rel, bytes: src.bytes, sha256: null, cached: false, status: 'too-large', reason: e.message };
    return { rel: src.rel, bytes: 0, sha256: null, cached: false, status: 'unreadable', reason: errText(e) };
  }
}

async function analyseSource(src: Source, tree: TreeData, ctx: AnalysisContext): Promise<FileResult> {
  try {
    const syntaxTree = new SyntaxTree(tree, ctx.names);
    const analysis = analyzeTree(syntaxTree.rootNode);
    if (src.notUtf8) analysis.syntax.benign.unshift(notUtf8Note(syntaxTree));
    const obj: CacheObject = analysis.syntax.errors.length ? { kind: 'nix', analysis, confirmation: await ctx.confirm(src.text) } : { kind: 'nix', analysis };
    const facts = fileFacts(src.rel, analysis, ctx.layout, ctx.checkModule);
    return { ...resultFromObject(src.rel, src.bytes, src.digest, obj, false, src.stat), objectText: JSON.stringify(obj), facts };
  } catch (e) {
    return { rel: src.rel, bytes: 0, sha256: null, cached: false, status: 'unreadable', reason: errText(e) };
  }
}

/**
 * Reads a regular file whose fstat said `size`: one read of size + 1 bytes in the usual case (a
 * regular file returns fewer bytes than asked only at its end, so the short read proves it; a
 * file that grew since fstat fills the extra byte and is read on to its end).
 */
function readAll(fd: number, size: number): Buffer {
  let buf = Buffer.allocUnsafe(size + 1);
  let total = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, total, buf.length - total, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') throw new Error('not readable without blocking (a FIFO or device)');
      throw e;
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_NIX_FILE_BYTES) throw new Error(`grew past ${MAX_NIX_FILE_BYTES} bytes while being read`);
    if (total < buf.length) {
      if (total >= size) break;
      continue;
    }
    const bigger = Buffer.allocUnsafe(buf.length * 2);
    buf.copy(bigger, 0, 0, total);
    buf = bigger;
  }
  return buf.subarray(0, total);
}
