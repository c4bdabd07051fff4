import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InstallPlanOutput, InstallVerifyOutput } from '@autopoietic/core/schemas';
import type { DemoContext } from '../context.js';
import { slug } from '../proposals.js';
import { expectExit, jsonOut } from '../tools.js';
import { StepFailure, StepSkipped } from '../types.js';
import { keepOutput, type StepBody } from './step.js';
import { invariant } from './verify.js';

/** P3 plan: a dry run that records a `planned` generation and writes nothing under the target root. */
export function installPlan(ctx: DemoContext): StepBody {
  const p = ctx.state.verified;
  if (!p?.mutationId || !ctx.state.promotionId) throw new StepSkipped('nothing was promoted in step 3');
  const planFile = join(ctx.scratch.dir, 'install-plan.json');
  const bundle = join(ctx.scratch.evidence, `install-plan-${slug(p.label)}.json`);
  const run = ctx.tools.run(
    'mutation-runner',
    [
      'install-plan',
      '--mutation-id', p.mutationId,
      '--promotion-id', ctx.state.promotionId,
      '--root', ctx.scratch.genome,
      '--target-root', ctx.scratch.target,
      '--parent-generation', `${ctx.target}-gen-0`,
      '--resulting-generation', `${ctx.target}-gen-1`,
      '--record',
      '--evidence-bundle', bundle,
    ],
    { policy: true, stdoutTo: planFile },
  );
  expectExit(run, 'install-plan', [0]);
  const parsed = InstallPlanOutput.safeParse(jsonOut(run, 'install-plan'));
  if (!parsed.success) throw new StepFailure(`the install plan does not match its schema: ${parsed.error.message}`);
  const plan = parsed.data;
  ctx.state.planFile = planFile;
  keepOutput(ctx, bundle, planFile);
  ctx.state.seedFiles = plan.seed_manifest.files.length;
  ctx.evidence.push(planFile, ...(existsSync(bundle) ? [bundle] : []));
  const identity = plan.seed_manifest.files.find((f) => f.installed_path.endsWith('/autopoietic/identity.json'));
  const identityHost = identity ? seedHost(identity.content, identity.content_encoding) : undefined;
  const items = [
    invariant('dry run', readdirSync(ctx.scratch.target).length === 0, `nothing written under ${ctx.scratch.target}`),
    invariant(
      'lineage recorded as planned',
      plan.generation.lineage_status === 'planned',
      `generation ${plan.generation.generation} (parent ${plan.generation.parent_generation}) in generations.jsonl`,
    ),
  ];
  if (ctx.genomeHost !== undefined) {
    items.push(
      invariant('identity seed from the genome', identityHost === ctx.genomeHost, `identity.json seed names host ${JSON.stringify(identityHost)}`),
    );
  }
  return {
    status: plan.generation.lineage_status,
    reason: `${plan.seed_manifest.files.length} seed files planned for ${ctx.scratch.target}`,
    evidence: [planFile, ...(existsSync(bundle) ? [bundle] : []), `${join(ctx.scratch.memory, 'generations.jsonl')}#${plan.generation.generation}`],
    items,
  };
}

/** P3 apply: refused in observe-only mode (nothing written), then applied with --yes in mutate-live. */
export function installApply(ctx: DemoContext): StepBody {
  const planFile = ctx.state.planFile;
  if (!planFile) throw new StepSkipped('there is no install plan from step 4');
  const refused = ctx.tools.run('mutation-runner', ['install-apply', '--plan', planFile, '--yes'], {
    policy: true,
    etcDir: ctx.scratch.etcObserveOnly,
  });
  const refusal = invariant(
    'refused in observe-only',
    refused.code === 1 && readdirSync(ctx.scratch.target).length === 0,
    `exit ${refused.code}, nothing written: ${refused.stderr.trim().split('\n')[0] ?? ''}`,
  );
  const effectsFile = join(ctx.scratch.memory, 'effects.jsonl');
  const effectsBefore = countLines(effectsFile);
  const run = ctx.tools.run('mutation-runner', ['install-apply', '--plan', planFile, '--yes'], { policy: true });
  expectExit(run, 'install-apply', [0]);
  ctx.state.applied = true;
  const effects = countLines(effectsFile) - effectsBefore;
  const lineage = lastRecord(join(ctx.scratch.memory, 'generations.jsonl'));
  return {
    status: 'applied',
    reason: `${ctx.state.seedFiles ?? '?'} seed files written into ${ctx.scratch.target}, ${effects} effect records`,
    evidence: [effectsFile, join(ctx.scratch.memory, 'generations.jsonl')],
    items: [
      refusal,
      invariant('every write is an effect record', effects >= (ctx.state.seedFiles ?? 1), `${effects} new lines in effects.jsonl`),
      invariant(
        'lineage recorded as installed',
        lineage?.lineage_status === 'installed',
        `last generation record: ${lineage?.generation ?? '?'} ${lineage?.lineage_status ?? 'missing'}`,
      ),
    ],
  };
}

/** P3 verify: every seed file in the target root matches the plan's hash. */
export function installVerify(ctx: DemoContext): StepBody {
  const planFile = ctx.state.planFile;
  if (!planFile || !ctx.state.applied) throw new StepSkipped('nothing was installed in step 5');
  const bundle = join(ctx.scratch.evidence, 'install-verify.json');
  // The report is kept (--output) and the bundle cites that file, so step 9 checks it from there.
  const report = join(ctx.scratch.dir, 'install-verify.json');
  const run = ctx.tools.run('mutation-runner', ['install-verify', '--plan', planFile, '--output', report, '--evidence-bundle', bundle], {
    memory: false,
  });
  expectExit(run, 'install-verify', [0, 1]);
  if (!existsSync(report)) throw new StepFailure(`install-verify wrote no report to ${report} (exit ${run.code})`);
  const parsed = InstallVerifyOutput.safeParse(jsonFile(report, 'install-verify'));
  if (!parsed.success) throw new StepFailure(`the install-verify output does not match its schema: ${parsed.error.message}`);
  const out = parsed.data;
  ctx.evidence.push(report, ...(existsSync(bundle) ? [bundle] : []));
  const counts = new Map<string, number>();
  for (const f of out.files) counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
  const tally = [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  if (out.lineage && out.lineage.status !== 'matched') {
    throw new StepFailure(`the target's installed lineage does not hold the plan's generation: ${out.lineage.status} (${out.lineage.reason})`);
  }
  if (!out.all_matched || run.code !== 0) {
    const bad = out.files.filter((f) => f.status !== 'matched').map((f) => `${f.installed_path}: ${f.status} (${f.reason})`);
    throw new StepFailure(`seed files do not match the plan (exit ${run.code}): ${bad.join('; ')}`);
  }
  return {
    status: 'all-matched',
    reason: `${tally}${out.lineage ? `; lineage ${out.lineage.status}` : ''}`,
    evidence: [report, ...(existsSync(bundle) ? [bundle] : [])],
  };
}

function jsonFile(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new StepFailure(`${what} wrote a report that is not JSON (${file}): ${(e as Error).message}`);
  }
}

function seedHost(content: string, encoding: 'utf8' | 'base64'): string | undefined {
  try {
    const text = encoding === 'base64' ? Buffer.from(content, 'base64').toString('utf8') : content;
    const host = (JSON.parse(text) as { host?: unknown }).host;
    return typeof host === 'string' ? host : undefined;
  } catch {
    return undefined;
  }
}

function lastRecord(file: string): { generation?: string; lineage_status?: string } | undefined {
  if (!existsSync(file)) return undefined;
  const last = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).pop();
  try {
    return last ? JSON.parse(last) : undefined;
  } catch {
    return undefined;
  }
}

function countLines(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).length;
}
