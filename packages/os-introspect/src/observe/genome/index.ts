import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GenomeState } from '@autopoietic/core/schemas';
import { flakeShow, type FlakeShow } from './flake-eval.js';
import { readFlakeLock, type LockReading } from './flake-lock.js';
import { readGenomeFiles } from './files.js';
import { ParsedGenome } from './model.js';
import { genomeOrgans } from './organs.js';
import { flakeOutputs } from './outputs.js';
import type { Jobs } from './parse-pool.js';
import { hostEntries, importGraph, moduleEntry, nixFileEntry } from './structure.js';

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
}

/** The genome read as Nix structure: files, modules, imports, hosts, flake inputs and outputs, organs. */
export async function observeGenome(opts: GenomeOptions): Promise<GenomeObservation> {
  const flakeFile = existsSync(join(opts.root, 'flake.nix')) ? 'flake.nix' : undefined;
  // Evaluation runs in a child process while this process parses.
  const showing: Promise<FlakeShow> | undefined = opts.eval && flakeFile ? flakeShow(opts.root) : undefined;
  const files = await readGenomeFiles(opts);
  const genome = new ParsedGenome(files.results, files.dirs);
  const flake = flakeFile ? genome.analysis(flakeFile)?.flake : undefined;
  const lock = readLock(opts.root, new Map((flake?.inputs ?? []).map((i) => [i.name, i.url])));
  const show = await showing;
  const outputs = flakeOutputs(flake?.outputs ?? [], flakeFile ?? 'flake.nix', show);
  const modules = files.results.flatMap((r) => (r.analysis?.module ? [moduleEntry(r.rel, r.analysis.module, genome)] : []));
  const locked = new Set((lock?.inputs ?? []).map((i) => i.name));
  const unlockedInputs = lock?.error ? [] : (flake?.inputs ?? []).map((i) => i.name).filter((n) => !locked.has(n));
  const state: GenomeState = {
    root: opts.root,
    has_flake: flakeFile !== undefined,
    has_lock: lock !== undefined,
    description: flake?.description ?? null,
    lock: { present: lock !== undefined, version: lock?.version ?? null, ...(lock?.error ? { error: lock.error } : {}) },
    inputs: lock?.inputs ?? [],
    transitive_inputs: lock?.transitive ?? [],
    outputs,
    outputs_eval: evalInfo(opts.eval, flakeFile, show),
    hosts: hostEntries(genome),
    nix_files: files.results.map(nixFileEntry),
    modules,
    import_graph: importGraph(modules),
    organs: genomeOrgans(opts.root, flakeFile, outputs, modules, genome),
    skipped: files.skipped.map((s) => ({ path: s.rel, reason: s.reason })),
    parse_stats: {
      files: files.results.length,
      parsed: files.results.filter((r) => !r.cached && r.sha256 !== null).length,
      cache_hits: files.results.filter((r) => r.cached).length,
      syntax_errors: files.results.filter((r) => r.status === 'syntax-error').length,
      workers: files.workers,
      duration_ms: Math.round(files.durationMs * 10) / 10,
      cache: files.cache,
    },
  };
  return { state, unlockedInputs };
}

function readLock(root: string, declared: Map<string, string | null>): LockReading | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, 'flake.lock'), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? undefined : { version: null, inputs: [], transitive: [], error: `cannot read flake.lock: ${code}` };
  }
  return readFlakeLock(text, declared);
}

function evalInfo(requested: boolean, flakeFile: string | undefined, show: FlakeShow | undefined): GenomeState['outputs_eval'] {
  if (!requested) return { requested: false, available: false, reason: 'not requested (use --eval)' };
  if (!flakeFile || !show) return { requested: true, available: false, reason: 'the genome has no flake.nix' };
  return show.ok ? { requested: true, available: true, command: show.command } : { requested: true, available: false, reason: show.reason, command: show.command };
}
