// Start-up cost of the CLIs: `mutation-journal --help` must stay close to starting Node itself,
// because every command loads its heavy modules (zod, the ledger, pino) only when it runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { asExecutableEnv, extraCaCertsNote, median, type BenchSection } from './types.js';

const RUNS = 15;
const BIN = join(import.meta.dirname, '..', 'packages', 'mutation-journal', 'bin', 'mutation-journal.js');

/** Wall time of `command args`; the bin is run as an executable, as a user starts it (its shell prologue, then Node). */
function wallMs(command: string, args: string[]): number {
  // The baseline is Node started as the bin starts it: without NODE_EXTRA_CA_CERTS (ADR 0023).
  const env = asExecutableEnv();
  if (command === process.execPath) delete env.NODE_EXTRA_CA_CERTS;
  const t0 = performance.now();
  const r = spawnSync(command, args, { encoding: 'utf8', env });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export default async function bench(): Promise<BenchSection> {
  const node: number[] = [];
  const help: number[] = [];
  wallMs(process.execPath, ['-e', '0']);
  wallMs(BIN, ['--help']); // warm the file cache
  for (let i = 0; i < RUNS; i++) {
    node.push(wallMs(process.execPath, ['-e', '0']));
    help.push(wallMs(BIN, ['--help']));
  }
  const base = median(node);
  const measured = median(help);
  return {
    title: 'CLI start-up',
    rows: [
      {
        what: '`mutation-journal --help` wall time',
        baseline: `\`node -e 0\`, started as the bin starts Node: ${base.toFixed(0)} ms`,
        measured: `${measured.toFixed(0)} ms`,
        ratio: measured / base,
        target: '< 3x',
        pass: measured / base < 3,
      },
    ],
    notes: [`Median of ${RUNS} interleaved runs of each, as separate processes, after one warm-up run.`, `${extraCaCertsNote()} The baseline is \`node -e 0\` started the same way.`],
  };
}
