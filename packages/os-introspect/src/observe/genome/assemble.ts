import type { GenomeState } from '@autopoietic/core/schemas';
import { genomeHosts, readFlake } from '@autopoietic/core/nix-syntax';
import type { FlakeShow } from './flake-eval.js';
import { readFlakeLock, type LockReading } from './flake-lock.js';
import type { GenomeFiles } from './files.js';
import { ParsedGenome } from './model.js';
import { homeHandovers, moduleClasses } from './module-classes.js';
import { genomeOrgans, handoverOrgans, inNestedFlake, ownOutputs, typedModuleOrgans, underHomeDir } from './organs.js';
import { partsSelfImports } from './parts-imports.js';
import { flakeOutputs } from './outputs.js';
import { inlineUnitOrgans } from './unit-organs.js';
import { hostEntries, importGraph, nixFileEntry } from './structure.js';

/** The genome state from the analysed files, flake.lock, the package directories and (with --eval) nix flake show. */
export interface AssembleInputs {
  root: string;
  flakeFile: string | undefined;
  files: GenomeFiles;
  lockText: string | { error: string } | undefined;
  packageDirs: GenomeState['organs'];
  eval: boolean;
  show: FlakeShow | undefined;
}

/**
 * The genome, with `modules` left empty: its entries were validated and rendered where each file
 * was analysed (file-facts.ts), and are printed from `moduleJson`, in this order.
 */
export interface AssembledGenome {
  state: GenomeState;
  moduleJson: Uint8Array[];
  /** Each module's path and imports (for the pain points). */
  modules: { path: string; imports: GenomeState['modules'][number]['imports'] }[];
  unlockedInputs: string[];
}

export function assembleGenome(a: AssembleInputs): AssembledGenome {
  const genome = new ParsedGenome(a.files.results, a.files.layout);
  const flake = a.flakeFile ? genome.analysis(a.flakeFile)?.flake : undefined;
  const lock = readLock(a.lockText, new Map((flake?.inputs ?? []).map((i) => [i.name, i.url])));
  // What flake.nix reads from other files (`import ./hosts`, flake-parts imports) is placed in them.
  const reading = a.flakeFile && flake ? readFlake(genome, a.flakeFile, flake) : undefined;
  const outputs = flakeOutputs(reading?.outputs ?? [], a.show);
  const own = ownOutputs(outputs, reading?.outputs ?? []);
  // A flake-parts module's imports through its `self` are files of flake.nix's directory.
  const parts = reading && a.flakeFile ? partsSelfImports(genome, reading.parts, a.flakeFile) : new Map();
  const modules = a.files.results.flatMap((r) => {
    const facts = parts.get(r.rel) ?? r.facts;
    return facts?.moduleJson ? [{ path: r.rel, ...facts, home_modules: r.analysis?.module?.home_modules }] : [];
  });
  const hosts = genomeHosts(genome, a.flakeFile, reading);
  const foreign = inNestedFlake(a.files.layout);
  const handovers = homeHandovers(hosts, reading?.outputs ?? [], a.flakeFile);
  const classes = moduleClasses({ modules, hosts, handovers, outputs: own, flakeFile: a.flakeFile, index: genome, foreign, underHomeDir });
  const moduleOrgans = typedModuleOrgans([...modules, ...handoverOrgans(handovers, a.files.layout)], classes.classOf);
  const locked = new Set((lock?.inputs ?? []).map((i) => i.name));
  const unlockedInputs = lock?.error ? [] : (flake?.inputs ?? []).map((i) => i.name).filter((n) => !locked.has(n));
  const state: GenomeState = {
    root: a.root,
    has_flake: a.flakeFile !== undefined,
    has_lock: lock !== undefined,
    description: flake?.description ?? null,
    lock: { present: lock !== undefined, version: lock?.version ?? null, ...(lock?.error ? { error: lock.error } : {}) },
    inputs: lock?.inputs ?? [],
    transitive_inputs: lock?.transitive ?? [],
    outputs,
    outputs_eval: evalInfo(a.eval, a.flakeFile, a.show),
    hosts: hostEntries(genome, hosts),
    nix_files: a.files.results.map(nixFileEntry),
    modules: [],
    import_graph: importGraph(modules),
    home_manager_modules: classes.home,
    organs: genomeOrgans(a.flakeFile, own, [...moduleOrgans, ...inlineUnitOrgans(hosts, reading?.outputs ?? [])], a.files.layout, a.packageDirs, foreign),
    skipped: a.files.skipped.map((s) => ({ path: s.rel, reason: s.reason })),
    parse_stats: parseStats(a.files),
  };
  return { state, moduleJson: modules.map((m) => m.moduleJson!), modules, unlockedInputs };
}

export function parseStats(files: Pick<GenomeFiles, 'results' | 'workers' | 'durationMs' | 'cache'>): GenomeState['parse_stats'] {
  return {
    files: files.results.length,
    parsed: files.results.filter((r) => !r.cached && r.sha256 !== null).length,
    cache_hits: files.results.filter((r) => r.cached).length,
    syntax_errors: files.results.filter((r) => r.status === 'syntax-error').length,
    workers: files.workers,
    duration_ms: Math.round(files.durationMs * 10) / 10,
    cache: files.cache,
  };
}

function readLock(text: AssembleInputs['lockText'], declared: Map<string, string | null>): LockReading | undefined {
  if (text === undefined) return undefined;
  if (typeof text !== 'string') return { version: null, inputs: [], transitive: [], error: text.error };
  return readFlakeLock(text, declared);
}

function evalInfo(requested: boolean, flakeFile: string | undefined, show: FlakeShow | undefined): GenomeState['outputs_eval'] {
  if (!requested) return { requested: false, available: false, reason: 'not requested (use --eval)' };
  if (!flakeFile || !show) return { requested: true, available: false, reason: 'the genome has no flake.nix' };
  return show.ok ? { requested: true, available: true, command: show.command } : { requested: true, available: false, reason: show.reason, command: show.command };
}
