// The evolve loop and the lineage view: what the loop's own work (hand-off, sandbox, live-genome
// guard) costs next to the P1 verification it drives, and what drawing the lineage costs next to
// reading the ledgers it is drawn from.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestCanonical } from '@autopoietic/core/canonical';
import { appendRecord, loadRecords } from '@autopoietic/core/ledger';
import { introspect } from '@autopoietic/os-introspect';
import { loadLineage } from '../packages/mutation-journal/src/lineage/load.js';
import { renderHtml } from '../packages/mutation-journal/src/lineage/html.js';
import { verifyProposal } from '../packages/mutation-runner/src/gates/verify/run.js';
import { createSandbox } from '../packages/mutation-runner/src/loop/generator/sandbox.js';
import { locate } from '../packages/mutation-runner/src/loop/handoff/gather.js';
import { composeHandoff } from '../packages/mutation-runner/src/loop/handoff/run.js';
import { snapshotLive } from '../packages/mutation-runner/src/loop/evolve/guard.js';
import { median, timeMs, type BenchSection } from './types.js';

process.env.AUTOPOIETIC_LOG_LEVEL ??= 'silent';
process.env.NIX_CONFIG ??= 'substituters =\nexperimental-features = nix-command flakes\nflake-registry =';
const RUNS = 5;
const LINEAGE_RECORDS = 1000;
const GOAL = 'set `autopoietic.identity.host` to `seed-02` on host `seed`';
const FP = (c: string) => `sha256:${c.repeat(64)}`;

function genome(dir: string): string {
  const root = join(dir, 'genome');
  cpSync(join(import.meta.dirname, '..', 'examples', 'genome'), root, { recursive: true });
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' };
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], ['commit', '-qm', 'seed']]) execFileSync('git', args, { cwd: root, env });
  return root;
}

/** LINEAGE_RECORDS attempts, each with its rejected P1 record, in one chain of runs of 5. */
async function bigLineage(memory: string): Promise<void> {
  for (let i = 0; i < LINEAGE_RECORDS; i++) {
    const check = { name: 'nix-flake-check', command: 'nix', status: 'failed', exit_code: 1, stdout: '', stderr: 'error: wrong type\n', stderr_log: { path: join(memory, 'logs', `v${i}.log`), sha256: FP('c'), bytes: 17 } };
    await appendRecord(join(memory, 'mutation-results.jsonl'), 'mutation-result', {
      schema_version: '0.1.0', verification_id: `ver-${i}`, timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), mutation_id: `mut-${i}`, goal: GOAL, phase: 'evolve',
      status: 'rejected', reason: 'one or more verifier checks failed', proposal_fingerprint: FP('1'), root_fingerprint: FP('2'), changed_paths: [], checks: [check],
    });
    await appendRecord(join(memory, 'lineage.jsonl'), 'lineage-attempt', {
      schema_version: '0.1.0', attempt_id: `att-${i}`, parent_attempt_id: i % 5 === 0 ? null : `att-${i - 1}`, run_id: `run-${Math.floor(i / 5)}`, attempt_number: (i % 5) + 1,
      timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), goal: GOAL, generator: { command: 'g', argv: ['g'], files: [], digest: FP('9') }, handoff_digest: FP('8'),
      mutation_id: `mut-${i}`, verdict: 'rejected', stage: 'verify', reason: 'one or more verifier checks failed', verification_id: `ver-${i}`,
      score: { value: 0, passed: 0, total: 1, checks: [{ name: 'nix-flake-check', status: 'failed' }] }, durations: { handoff_ms: 1, generate_ms: 1, verify_ms: 1, total_ms: 3 },
    });
  }
}

export default async function bench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'aos-bench-evolve-'));
  try {
    const root = genome(dir);
    const memory = join(dir, 'memory');
    mkdirSync(memory);
    const loc = locate({ root, memoryDir: memory, etcDir: join(dir, 'no-etc'), cwd: dir });
    const proposalDir = join(dir, 'proposal');
    mkdirSync(proposalDir);
    const host = join(root, 'hosts/seed/configuration.nix');
    const original = readFileSync(host, 'utf8');
    writeFileSync(host, original.replace('"seed-01"', '"seed-02"'));
    writeFileSync(join(proposalDir, 'patch.diff'), execFileSync('git', ['diff', '--binary'], { cwd: root }));
    writeFileSync(host, original);
    writeFileSync(join(proposalDir, 'proposal.json'), JSON.stringify({ schema_version: '0.1.0', mutation_id: 'mut-bench', goal: GOAL, phase: 'evolve', changed_paths: ['hosts/seed/configuration.nix'], expected_checks: [], patch_path: 'patch.diff' }));
    const runs = { observe: [] as number[], handoff: [] as number[], loop: [] as number[], verify: [] as number[], read: [] as number[], html: [] as number[] };
    const observed = { state: await introspect({ root, memoryDir: memory, etcDir: join(dir, 'no-etc'), cwd: dir }), source: 'os-introspect' };
    for (let i = 0; i < RUNS; i++) {
      runs.observe.push(await timeMs(() => introspect({ root, memoryDir: memory, etcDir: join(dir, 'no-etc'), cwd: dir, cache: false })));
      let text = '';
      runs.handoff.push(await timeMs(async () => (text = JSON.stringify(await composeHandoff(loc, observed, { goal: GOAL, maxBytes: 65536 })))));
      const baseline = await snapshotLive(root, memory, join(root, 'mutations', 'pending'));
      runs.loop.push(await timeMs(async () => {
        const s = await createSandbox(root, baseline.set, text);
        await snapshotLive(root, memory, join(root, 'mutations', 'pending'));
        s.dispose();
      }));
      let status = '';
      runs.verify.push(await timeMs(async () => (status = (await verifyProposal({ root, memoryDir: memory, etcDir: join(dir, 'no-etc'), cwd: dir, proposal: join(proposalDir, 'proposal.json'), progress: false })).record.status)));
      if (status !== 'verified') throw new Error(`bench: the P1 baseline did not verify (${status})`);
    }
    const big = join(dir, 'big-memory');
    await bigLineage(big);
    for (let i = 0; i < RUNS; i++) {
      runs.read.push(await timeMs(async () => [await loadRecords(join(big, 'lineage.jsonl'), 'lineage-attempt'), await loadRecords(join(big, 'mutation-results.jsonl'), 'mutation-result')]));
      runs.html.push(await timeMs(async () => digestCanonical(renderHtml(await loadLineage({}, { memoryDir: big })))));
    }
    const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)])) as Record<keyof typeof runs, number>;
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    return {
      title: 'Evolve loop and lineage view',
      rows: [
        { what: 'hand-off for a goal on the example genome (facts, claims, bound, schema check)', baseline: `os-introspect observation: ${ms(m.observe)}`, measured: ms(m.handoff), ratio: m.handoff / m.observe, target: '<= 0.5x (the observation dominates)', pass: m.handoff / m.observe <= 0.5 },
        { what: "the loop's own per-attempt work: sandbox copy (read-only) + live-genome guard", baseline: `P1 verify of the same change: ${ms(m.verify)}`, measured: ms(m.loop), ratio: m.loop / m.verify, target: '<= 0.25x of the P1 it drives', pass: m.loop / m.verify <= 0.25 },
        { what: `lineage --format html over ${LINEAGE_RECORDS} attempts and ${LINEAGE_RECORDS} P1 records (verify chains, build, lay out, render)`, baseline: `read both ledgers: ${ms(m.read)}`, measured: ms(m.html), ratio: m.html / m.read, target: '<= 4x (each ledger is read once: its chain verified as it is loaded)', pass: m.html / m.read <= 4 },
      ],
      notes: [
        `Median of ${RUNS} in-process runs. The P1 row runs the real gate (candidate, git apply, nix flake check of the example genome, offline).`,
        'The observation row disables the parse cache; evolve observes once per run, then builds one hand-off per attempt.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
