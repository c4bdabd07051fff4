// os-introspect on a generated genome of ~3,500 .nix files (~5 MB): cold run vs `cat` of the
// same bytes, vs `nix-instantiate --parse` per file (sampled and extrapolated: the full run takes
// minutes), and the warm re-run (parse cache + genome memo) as a ratio to the cold run.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNixParser } from '@autopoietic/core/nix-syntax';
import { generateTree } from './introspect-tree.js';
import { asExecutableEnv, extraCaCertsNote, median, type BenchSection } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'packages', 'os-introspect', 'bin', 'os-introspect.js');
const FILES = 3500;
const RUNS = 5;
const NIX_SAMPLE = 100;

interface Run {
  ms: number;
  /** CPU time (user + system) of the process and its threads and children. */
  cpuMs: number;
  genomeMs: number;
  parsed: number;
  cacheHits: number;
  workers: number;
}

/** CPU time of this process's waited-for children so far (cutime + cstime of /proc/self/stat). */
function childCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100; // USER_HZ is 100 on Linux
}

function introspect(root: string, memory: string): Run {
  const c0 = childCpuMs();
  const t0 = process.hrtime.bigint();
  // Bytes, not text: decoding the 13 MB of output into a string takes spawnSync 13-15 ms before
  // it returns, and that is the harness's time, not the CLI's (decoded below, off the clock).
  // Run as an executable, as a user starts it (the bin's shell prologue, then Node).
  const r = spawnSync(BIN, ['--root', root, '--memory-dir', memory, '--etc-dir', join(memory, 'no-etc')], {
    maxBuffer: 512 * 1024 * 1024,
    env: asExecutableEnv({ ...process.env, AUTOPOIETIC_LOG_LEVEL: 'warn' }),
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpuMs = childCpuMs() - c0;
  if (r.status !== 0) throw new Error(`os-introspect failed (${r.status}): ${r.stderr.toString('utf8')}`);
  const stats = (JSON.parse(r.stdout.toString('utf8')) as { genome: { parse_stats: { duration_ms: number; parsed: number; cache_hits: number; workers: number } } }).genome.parse_stats;
  return { ms, cpuMs, genomeMs: stats.duration_ms, parsed: stats.parsed, cacheHits: stats.cache_hits, workers: stats.workers };
}

function timeSpawn(command: string, args: string[], input?: string): { ms: number; cpuMs: number } {
  const out = openSync('/dev/null', 'w');
  try {
    const c0 = childCpuMs();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(command, args, { stdio: [input === undefined ? 'ignore' : 'pipe', out, 'pipe'], input });
    if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr?.toString()}`);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: childCpuMs() - c0 };
  } finally {
    closeSync(out);
  }
}

/**
 * The floor under any cold run: web-tree-sitter parsing the same texts in this process, one
 * thread, nothing else (no reading, hashing, analysis or output). Best of RUNS, the JIT warm.
 */
async function parseOnlyMs(paths: string[]): Promise<number> {
  const texts = paths.map((p) => readFileSync(p, 'utf8'));
  const parser = await loadNixParser();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    for (const t of texts) parser.parse(t).delete();
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return Math.min(...runs);
}

function nixInstantiateAvailable(): boolean {
  return spawnSync('nix-instantiate', ['--version'], { stdio: 'ignore' }).status === 0;
}

export default async function bench(): Promise<BenchSection> {
  const base = mkdtempSync(join(tmpdir(), 'aos-bench-introspect-'));
  try {
    const root = join(base, 'genome');
    const tree = generateTree(root, FILES);
    const paths = tree.files.map((f) => join(root, f));
    const list = `${paths.join('\0')}\0`;
    const cat = median(Array.from({ length: RUNS }, () => timeSpawn('xargs', ['-0', 'cat'], list).ms));

    // The nix-instantiate sample is taken in slices between the runs, so that the baseline and the
    // runs it is compared with see the same machine (whose speed drifts by a fifth within minutes).
    const withNix = nixInstantiateAvailable();
    const step = Math.floor(paths.length / NIX_SAMPLE);
    const sample = Array.from({ length: NIX_SAMPLE }, (_, i) => paths[i * step]!);
    const nixRuns: { ms: number; cpuMs: number }[] = [];
    const colds: Run[] = [];
    const warms: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const memory = join(base, `memory-${i}`);
      mkdirSync(memory);
      colds.push(introspect(root, memory));
      warms.push(introspect(root, memory));
      if (withNix) for (const p of sample.slice((i * sample.length) / RUNS, ((i + 1) * sample.length) / RUNS)) nixRuns.push(timeSpawn('nix-instantiate', ['--parse', p]));
    }
    const parseOnly = await parseOnlyMs(paths);
    const cold = median(colds.map((r) => r.ms));
    const coldCpu = median(colds.map((r) => r.cpuMs));
    const warm = median(warms.map((r) => r.ms));
    const coldGenome = median(colds.map((r) => r.genomeMs));
    const warmGenome = median(warms.map((r) => r.genomeMs));

    const rows: BenchSection['rows'] = [
      {
        what: `Cold introspect: ${tree.files.length} .nix files, ${(tree.bytes / 1e6).toFixed(1)} MB, whole CLI run (the main thread and ${colds[0]!.workers} parse worker(s), empty cache)`,
        baseline: `\`cat\` of the same files: ${cat.toFixed(0)} ms`,
        measured: `${cold.toFixed(0)} ms`,
        ratio: cold / cat,
        target: 'a ratio we report',
        pass: null,
      },
    ];
    const notes = [
      `Tree: bench/introspect-tree.ts (modules with options, config under mkIf/mkMerge, imports, '' strings with interpolation; hosts; a flake). Medians of ${RUNS} runs, each cold run with a fresh memory directory.`,
      `Load average while measuring: ${loadavg().map((l) => l.toFixed(1)).join(' / ')} on ${cpus().length} cores (the machine is shared, so wall times are noisy; the ratios are taken within one run).`,
      `Cold runs parsed ${colds[0]!.parsed} files; warm runs parsed ${warms[0]!.parsed} and served ${warms[0]!.cacheHits} from the cache.`,
      `os-introspect is run as an executable, as its users start it. ${extraCaCertsNote()}`,
    ];
    if (withNix) {
      const runs = nixRuns;
      const sampled = runs.reduce((t, r) => t + r.ms, 0);
      const sampledCpu = runs.reduce((t, r) => t + r.cpuMs, 0);
      const nixTotal = (sampled / sample.length) * paths.length;
      const nixCpu = (sampledCpu / sample.length) * paths.length;
      rows.push({
        what: 'Same files: os-introspect cold run vs `nix-instantiate --parse` on each file',
        baseline: `${(nixTotal / 1000).toFixed(1)} s (extrapolated from ${NIX_SAMPLE} files: ${(sampled / sample.length).toFixed(1)} ms per file)`,
        measured: `${cold.toFixed(0)} ms`,
        ratio: nixTotal / cold,
        target: '>= 50 (times faster)',
        pass: nixTotal / cold >= 50,
      });
      rows.push({
        what: 'Same files: the genome read alone (walk, read, hash, parse, analyse, each file\'s module entry and organs, cache reads and the cache write; `parse_stats.duration_ms` of the cold runs) vs `nix-instantiate --parse` on each file',
        baseline: `${(nixTotal / 1000).toFixed(1)} s (as above)`,
        measured: `${coldGenome.toFixed(0)} ms`,
        ratio: nixTotal / coldGenome,
        target: '>= 50 (times faster)',
        pass: nixTotal / coldGenome >= 50,
      });
      rows.push({
        what: 'For scale, not a target: web-tree-sitter parsing the same texts alone, one thread, in-process (no I/O, hashing, analysis or output; the floor under any cold run)',
        baseline: `${(nixTotal / 1000).toFixed(1)} s (as above)`,
        measured: `${parseOnly.toFixed(0)} ms`,
        ratio: nixTotal / parseOnly,
        target: '-',
        pass: null,
      });
      rows.push({
        // The target is elapsed time, and it asks for both cores: a run spends more CPU
        // than elapsed time by design, so CPU time is shown for scale (it moves less with other
        // load on the machine), not held to the elapsed-time target.
        what: 'For scale, not a target: the same comparison in CPU time (user + system of every thread; a run keeps both cores busy, so it uses more CPU than elapsed time)',
        baseline: `${(nixCpu / 1000).toFixed(1)} s of CPU (extrapolated)`,
        measured: `${coldCpu.toFixed(0)} ms of CPU (all threads)`,
        ratio: nixCpu / coldCpu,
        target: '-',
        pass: null,
      });
      notes.push(`nix-instantiate --parse was run on an evenly spaced sample of ${NIX_SAMPLE} of the ${paths.length} files, one process per file as a checker would, and the total extrapolated: almost all of its time is process start. The sample is taken in ${RUNS} slices, one after each cold and warm run, so that both sides of the ratio see the same machine.`);
      notes.push(
        `web-tree-sitter alone needs ${parseOnly.toFixed(0)} ms of one thread to parse these files, so at 50x the ${(nixTotal / 1000).toFixed(1)} s of nix-instantiate (${(nixTotal / 50).toFixed(0)} ms) a cold run on two cores has about ${(nixTotal / 50 - parseOnly / 2).toFixed(0)} ms left for everything else: process and worker start-up, reading and hashing, reading each file's options, config and imports, making, checking and rendering each module entry, assembling, validating and printing the rest of the self-state, and writing the cache. The parse worker only reads and parses, and the main thread analyses (ADR 0021), so the analysis warms up in one isolate; what remains is mostly that warm-up, the serial start and end of a run (Node, the walk, assembling and printing 13 MB), and V8's background threads (optimising compiles, garbage collection) competing with both for the two cores (see below the table).`,
      );
    } else {
      notes.push('nix-instantiate is not installed here: the comparison with Nix was not measured.');
    }
    rows.push(
      {
        what: 'Warm re-run (nothing changed), whole CLI run',
        baseline: `cold run: ${cold.toFixed(0)} ms`,
        measured: `${warm.toFixed(0)} ms`,
        ratio: warm / cold,
        target: '<= 0.2',
        pass: warm / cold <= 0.2,
      },
      {
        what: 'Warm re-run, genome read alone (walk, stat index, cache; `parse_stats.duration_ms`)',
        baseline: `cold genome read: ${coldGenome.toFixed(0)} ms`,
        measured: `${warmGenome.toFixed(0)} ms`,
        ratio: warmGenome / coldGenome,
        target: '<= 0.2',
        pass: warmGenome / coldGenome <= 0.2,
      },
    );
    notes.push('A warm run still starts Node, runs the body probes (systemctl, nix, journal) and prints the whole self-state (about 13 MB of JSON for this tree); those fixed costs are what separates the two warm rows.');
    return { title: 'os-introspect', rows, notes };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
