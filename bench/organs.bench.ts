// Organ review and suggest over a large registry and ledgers: how much the P4 logic (folding
// history, measuring, classifying, matching) costs on top of just reading the same ledgers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendRecord, readRecords } from '@autopoietic/core/ledger';
import { loadGenerations, loadMeasureInputs, loadPromotions, loadRegistry } from '../packages/mutation-journal/src/organs/ledgers.js';
import { measureOrgans } from '../packages/mutation-journal/src/organs/measure.js';
import { organPaths } from '../packages/mutation-journal/src/organs/paths.js';
import { reviewOrgans } from '../packages/mutation-journal/src/organs/review.js';
import { suggestOrgans } from '../packages/mutation-journal/src/organs/suggest.js';
import { median, timeMs, type BenchSection } from './types.js';

const ORGANS = 1000;
const PER_LEDGER = 3000;
const FP = `sha256:${'a'.repeat(64)}`;
const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();

async function fill(dir: string): Promise<void> {
  const check = { name: 'apply-patch', command: 'internal-unified-diff', status: 'passed', exit_code: 0, stdout: '', stderr: '' };
  for (let i = 0; i < ORGANS; i++) {
    await appendRecord(join(dir, 'organs.jsonl'), 'organ', {
      schema_version: '0.1.0', organ_id: `org-${i}`, recorded_at: at(i), event: 'add', name: `organ-${i}`, type: 'nixos-module', source: `modules/m${i}.nix`, purpose: 'p',
    });
  }
  for (let i = 0; i < PER_LEDGER; i++) {
    const organs = [`organ-${i % ORGANS}`, `Organ-${(i * 7) % (ORGANS * 2)}`];
    const paths = [`modules/m${i % ORGANS}.nix`, `pkgs/p${i}/default.nix`];
    await appendRecord(join(dir, 'mutation-promotions.jsonl'), 'mutation-promotion', {
      schema_version: '0.1.0', promotion_id: `pro-${i}`, timestamp: at(i), mutation_id: `mut-${i}`, goal: 'g', phase: 'P2', status: i % 5 ? 'promoted' : 'rejected',
      reason: 'r', verification_id: `ver-${i}`, proposal_fingerprint: FP, verified_root_fingerprint: FP, promotion_root_fingerprint: FP, parent_genome: 'git:x',
      target_configuration: 'iso', changed_paths: paths, changed_organs: organs, checks: [check],
    });
    await appendRecord(join(dir, 'generations.jsonl'), 'generation', {
      schema_version: '0.1.0', timestamp: at(i), lineage_status: i % 3 ? 'installed' : 'planned', generation: `gen-${i}`, mutation_id: `mut-${i}`, goal: 'g',
      changed_organs: organs, parent_generation: null, activation_result: 'ok',
    });
    await appendRecord(join(dir, 'mutation-results.jsonl'), 'mutation-result', {
      schema_version: '0.1.0', verification_id: `ver-${i}`, timestamp: at(i), mutation_id: `mut-${i}`, goal: 'g', phase: 'P1', status: i % 4 ? 'verified' : 'rejected',
      reason: 'r', proposal_fingerprint: FP, root_fingerprint: FP, changed_paths: paths, checks: [check],
    });
  }
}

/** The baseline: stream and validate the same ledgers with core readRecords, nothing else. */
async function readOnly(paths: ReturnType<typeof organPaths>, withVerifications: boolean): Promise<void> {
  const kinds = [[paths.registry, 'organ'], [paths.promotions, 'mutation-promotion'], [paths.generations, 'generation'], [paths.verifications, 'mutation-result']] as const;
  for (const [file, schema] of withVerifications ? kinds : kinds.slice(0, 3)) for await (const _ of readRecords(file, schema)) void _;
}

async function review(paths: ReturnType<typeof organPaths>): Promise<number> {
  const { registry, status } = await loadRegistry(paths.registry);
  const { inputs, statuses } = await loadMeasureInputs(paths);
  const out = reviewOrgans({ registry, source: paths.registry, reviewedAt: at(PER_LEDGER), staleAfterDays: 90, registryStatus: status, measured: { measures: measureOrgans(registry.organs, inputs), from: {}, statuses } });
  return out.findings.length;
}

async function suggest(paths: ReturnType<typeof organPaths>): Promise<number> {
  const [reg, p, g] = await Promise.all([loadRegistry(paths.registry), loadPromotions(paths.promotions), loadGenerations(paths.generations)]);
  const out = suggestOrgans({ registry: reg.registry, promotions: p.items, generations: g.items, reviewedAt: at(0), sources: { registry: '', promotions: '', generations: '' }, statuses: { registry: reg.status, promotions: p.status, generations: g.status } });
  return out.candidates.length;
}

export default async function bench(): Promise<BenchSection> {
  const dir = mkdtempSync(join(tmpdir(), 'aos-bench-organs-'));
  try {
    await fill(dir);
    const paths = organPaths({ memoryDir: dir });
    const runs = { read4: [] as number[], read3: [] as number[], review: [] as number[], suggest: [] as number[] };
    for (let i = 0; i < 7; i++) {
      runs.read4.push(await timeMs(() => readOnly(paths, true)));
      runs.review.push(await timeMs(() => review(paths)));
      runs.read3.push(await timeMs(() => readOnly(paths, false)));
      runs.suggest.push(await timeMs(() => suggest(paths)));
    }
    const [read4, read3, rev, sug] = [median(runs.read4), median(runs.read3), median(runs.review), median(runs.suggest)];
    const target = '<= 2x (the P4 logic costs no more than reading)';
    return {
      title: 'Organ review and suggest',
      rows: [
        { what: `review --measure (${ORGANS} organs, ${PER_LEDGER} records per ledger)`, baseline: `read the 4 ledgers: ${read4.toFixed(0)} ms`, measured: `${rev.toFixed(0)} ms`, ratio: rev / read4, target, pass: rev / read4 <= 2 },
        { what: 'suggest (same data)', baseline: `read registry, promotions, generations: ${read3.toFixed(0)} ms`, measured: `${sug.toFixed(0)} ms`, ratio: sug / read3, target, pass: sug / read3 <= 2 },
      ],
      notes: [
        'Median of 7 in-process runs, interleaved; each baseline streams and validates exactly the ledgers the command reads, with core readRecords, and does nothing else.',
        'Measuring indexes organs by name and by source path, and looks up each changed path and its ancestors, so it is linear in ledger size.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
