import { delimiter, dirname } from 'node:path';

/**
 * Benchmark contract. Each `bench/<name>.bench.ts` default-exports a function returning one
 * section. Figures are ratios against a baseline measured in the same run (this machine is noisy).
 */
export interface BenchRow {
  what: string;
  baseline: string;
  measured: string;
  /** measured / baseline (or the figure the target is stated in); null when not applicable. */
  ratio: number | null;
  target: string;
  pass: boolean | null;
}

export interface BenchSection {
  title: string;
  rows: BenchRow[];
  notes?: string[];
}

export type Bench = () => Promise<BenchSection>;

/**
 * The environment to run a CLI's bin in as its users do, as an executable (its shell prologue,
 * then `node` from PATH): with this process's Node first on PATH, so both sides of a comparison
 * run the same Node.
 */
export function asExecutableEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}` };
}

/** A note on NODE_EXTRA_CA_CERTS, which changes what a Node start-up costs here (see the bins' prologue). */
export function extraCaCertsNote(): string {
  return process.env.NODE_EXTRA_CA_CERTS
    ? `NODE_EXTRA_CA_CERTS is set here: \`node\` started directly loads the bundle it names as it starts (Node ${process.versions.node}); the CLIs' bins start Node without it.`
    : 'NODE_EXTRA_CA_CERTS is not set here.';
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Wall time of `fn` in milliseconds. */
export async function timeMs(fn: () => unknown | Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
