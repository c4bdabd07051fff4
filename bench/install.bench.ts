// P3 install: what the gates' safety (evidence re-checks, write-ahead effect records, in-root
// resolution with the open-then-compare guard) costs on top of the bare file work they wrap.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '@autopoietic/core/adapters';
import { appendRecord, loadRecords } from '@autopoietic/core/ledger';
import { applyPlan } from '../packages/mutation-runner/src/gates/install/apply.js';
import { planInstall } from '../packages/mutation-runner/src/gates/install/plan.js';
import { readPlanFile } from '../packages/mutation-runner/src/gates/install/plan-file.js';
import { verifyInstall } from '../packages/mutation-runner/src/gates/install/verify.js';
import { FIXTURE_PLAN, promotion, verification } from '../packages/mutation-runner/test/fixtures/install/evidence.js';
import { median, timeMs, type BenchSection } from './types.js';

process.env.AUTOPOIETIC_LOG_LEVEL ??= 'silent';
const RECORDS = 2000;
const RUNS = 7;

/** A memory dir whose ledgers hold RECORDS promotions and verifications; the fixture pair is the last. */
async function bigMemory(dir: string): Promise<string> {
  const memory = join(dir, 'memory');
  for (let i = 0; i < RECORDS - 1; i++) {
    const ids = { verification_id: `ver-bench-${i}`, mutation_id: `mut-bench-${i}` };
    await appendRecord(join(memory, 'mutation-results.jsonl'), 'mutation-result', verification(ids));
    await appendRecord(join(memory, 'mutation-promotions.jsonl'), 'mutation-promotion', promotion({ ...ids, promotion_id: `pro-bench-${i}` }));
  }
  await appendRecord(join(memory, 'mutation-results.jsonl'), 'mutation-result', verification());
  await appendRecord(join(memory, 'mutation-promotions.jsonl'), 'mutation-promotion', promotion());
  return memory;
}

function planOpts(dir: string, memory: string, target: string, record: boolean) {
  return { ...FIXTURE_PLAN, memoryDir: memory, targetRoot: target, record, root: join(dir, 'genome'), etcDir: join(dir, 'no-etc'), cwd: dir };
}

export default async function bench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'aos-bench-install-'));
  try {
    mkdirSync(join(dir, 'genome'));
    const memory = await bigMemory(dir);
    const runs = { read: [] as number[], plan: [] as number[], bare: [] as number[], apply: [] as number[], hash: [] as number[], verify: [] as number[] };
    const readBoth = async () => [await loadRecords(join(memory, 'mutation-promotions.jsonl'), 'mutation-promotion'), await loadRecords(join(memory, 'mutation-results.jsonl'), 'mutation-result')];
    await planInstall(planOpts(dir, memory, join(dir, 'unused'), false)); // warm-up: the first run loads and compiles the code paths
    for (let i = 0; i < RUNS; i++) {
      runs.read.push(await timeMs(readBoth));
      runs.plan.push(await timeMs(() => planInstall(planOpts(dir, memory, join(dir, 'unused'), false))));
    }
    for (let i = 0; i < RUNS; i++) {

      // One recorded plan per run, applied into a fresh target with a fresh small memory dir.
      const run = join(dir, `run-${i}`);
      const small = join(run, 'memory');
      mkdirSync(join(run, 'target'), { recursive: true });
      await appendRecord(join(small, 'mutation-results.jsonl'), 'mutation-result', verification());
      await appendRecord(join(small, 'mutation-promotions.jsonl'), 'mutation-promotion', promotion());
      const plan = await planInstall(planOpts(dir, small, join(run, 'target'), true));
      writeFileSync(join(run, 'plan.json'), JSON.stringify(plan));
      const files = plan.seed_manifest.files.map((f) => ({ path: join(run, 'bare', f.installed_path), bytes: Buffer.from(f.content, 'utf8') }));
      runs.bare.push(
        await timeMs(() => {
          for (const f of files) {
            mkdirSync(dirname(f.path), { recursive: true });
            writeFileAtomic(f.path, f.bytes);
          }
        }),
      );
      runs.apply.push(await timeMs(() => applyPlan({ plan: join(run, 'plan.json'), yes: true, force: false, allowLiveRoot: false, memoryDir: small, etcDir: join(dir, 'no-etc'), cwd: run })));
      const loaded = readPlanFile(join(run, 'plan.json'));
      runs.hash.push(await timeMs(() => loaded.plan.seed_manifest.files.map((f) => createHash('sha256').update(readFileSync(f.target_path)).digest('hex'))));
      runs.verify.push(await timeMs(() => verifyInstall(loaded)));
    }
    const m = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, median(v)])) as Record<keyof typeof runs, number>;
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    return {
      title: 'P3 install: plan, apply, verify',
      rows: [
        { what: `install-plan dry run (${RECORDS} promotions and verifications)`, baseline: `read both ledgers: ${ms(m.read)}`, measured: ms(m.plan), ratio: m.plan / m.read, target: '<= 1.5x (selection and seeds cost little next to reading)', pass: m.plan / m.read <= 1.5 },
        { what: 'install-apply of the 5 seed files (re-checks, effect records, writes, verify, generation record)', baseline: `5 bare atomic writes: ${ms(m.bare)}`, measured: ms(m.apply), ratio: m.apply / m.bare, target: '<= 5x (it fsyncs 6 ledger appends on top of the 5 writes)', pass: m.apply / m.bare <= 5 },
        { what: 'install-verify of the 5 seed files (in-root resolution, open-then-compare, lineage)', baseline: `read + sha256 the 5 files: ${ms(m.hash)}`, measured: ms(m.verify), ratio: m.verify / m.hash, target: '<= 10x (and well under 10 ms)', pass: m.verify / m.hash <= 10 && m.verify < 10 },
      ],
      notes: [
        `Median of ${RUNS} in-process runs, interleaved. Every write and ledger append is fsynced, so the apply row is dominated by the disk; the ratio says how many durable writes the safety adds.`,
        'The install-plan row reads no genome: the identity host it seeds comes from the promotion record.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
