import { isAbsolute, relative, resolve, sep } from 'node:path';
import { MEMORY_SUBDIRS } from '@autopoietic/core/ledger';
import { inQueue, QUEUE_DIR, QUEUE_WHY } from './queue.js';

/**
 * What never goes into a candidate (and so never into the root fingerprint, which is computed
 * from the candidate's own file set):
 *   - `.git` and `node_modules` anywhere, Nix `result` / `result-*` links anywhere;
 *   - the memory directory's ledgers (`*.jsonl` and their `.lock`, checkpoint and quarantine
 *     files), `evidence/`, `logs/` and `cache/` (os-introspect's parse cache, rewritten by every
 *     observation): under `memory/`, and under the resolved memory directory when that lies
 *     inside the genome;
 *   - the proposal queue, `mutations/` (pending proposals and those filed after their fate): the
 *     system's work queue, not the genome (queue.ts);
 *   - the proposal file, its patch file and the journals this command writes, when they lie
 *     inside the genome (a record appended after P1 must not change the root P2 recomputes).
 * Unlike the reference, other `*.jsonl` files ARE part of the genome.
 */
export interface ExclusionContext {
  /** Paths relative to the root, each excluded with its `.*` siblings (`x.jsonl.lock`). */
  files: readonly string[];
  /** Memory directories relative to the root (always includes `memory`). */
  memoryDirs: readonly string[];
}

const SUBDIRS = Object.values(MEMORY_SUBDIRS).map((d) => `${d}/`);

export function exclusionReason(rel: string, ctx: ExclusionContext): string | undefined {
  const parts = rel.split('/');
  if (parts.includes('.git')) return '.git';
  if (parts.includes('node_modules')) return 'node_modules';
  const base = parts[parts.length - 1]!;
  if (base === 'result' || base.startsWith('result-')) return 'nix result link';
  if (inQueue(rel)) return QUEUE_WHY;
  for (const m of ctx.memoryDirs) {
    if (!rel.startsWith(`${m}/`)) continue;
    const inner = rel.slice(m.length + 1);
    if (SUBDIRS.some((d) => inner.startsWith(d))) return 'memory evidence/logs/cache';
    if (!inner.includes('/') && /\.jsonl(\.|$)/.test(inner)) return 'memory ledger';
  }
  for (const f of ctx.files) if (rel === f || rel.startsWith(`${f}.`)) return 'proposal, patch or journal';
  return undefined;
}

/**
 * A warning when proposals written to `dir` (`flag`: propose --out-dir, evolve --proposals-dir)
 * would be genome files: inside the genome but outside the queue, every candidate and root
 * fingerprint counts them (ADR 0018), so one written between verify and promote makes promote
 * refuse. Undefined for the queue and for directories outside the genome.
 */
export function proposalsInGenomeWarning(root: string, dir: string, flag: string): string | undefined {
  const rel = resolve(dir) === resolve(root) ? '' : relativeInside(root, dir);
  if (rel === undefined || (rel !== '' && inQueue(rel))) return undefined;
  return `${flag} ${dir} lies inside the genome but outside the proposal queue (${QUEUE_DIR}/): proposals written there are genome files, which verify and promote count (one written there between verify and promote makes promote refuse); write them under ${QUEUE_DIR}/ or outside the genome`;
}

/** `path` relative to `root` with `/` separators, or undefined when it lies outside. */
export function relativeInside(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

export function exclusionContext(root: string, opts: { memoryDir: string; files: readonly (string | undefined)[] }): ExclusionContext {
  const memoryDirs = new Set(['memory']);
  const mem = relativeInside(root, opts.memoryDir);
  if (mem !== undefined) memoryDirs.add(mem);
  const files = opts.files.flatMap((f) => {
    const rel = f === undefined ? undefined : relativeInside(root, f);
    return rel === undefined ? [] : [rel];
  });
  return { files, memoryDirs: [...memoryDirs] };
}
