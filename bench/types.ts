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
