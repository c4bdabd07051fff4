import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MutationPromotionRecord } from '@autopoietic/core/schemas';
import type { DemoContext } from '../context.js';
import { liveGenomeState } from '../git.js';
import { slug } from '../proposals.js';
import { expectExit, jsonOut } from '../tools.js';
import { StepFailure, StepSkipped } from '../types.js';
import type { StepBody } from './step.js';
import { invariant } from './verify.js';

/** P2: promote the verified proposal: replay it and build `<target>-smoke` as its VM check. */
export function promote(ctx: DemoContext): StepBody {
  const p = ctx.state.verified;
  if (!p) throw new StepSkipped('no proposal that should verify was verified in step 2');
  const bundle = join(ctx.scratch.evidence, `promote-${slug(p.label)}.json`);
  const before = liveGenomeState(ctx.scratch.genome);
  const run = ctx.tools.run('mutation-runner', [
    'promote',
    '--proposal', p.path,
    '--root', ctx.scratch.genome,
    '--parent-genome', `git:${ctx.scratch.head}`,
    '--target-configuration', ctx.target,
    '--vm-check', ctx.vmCheck,
    '--system', ctx.opts.system,
    ...p.changedOrgans.flatMap((o) => ['--changed-organ', o]),
    '--work-dir', ctx.scratch.work,
    '--evidence-bundle', bundle,
  ], { policy: true });
  expectExit(run, 'promote', [0, 1]);
  const parsed = MutationPromotionRecord.safeParse(jsonOut(run, 'promote'));
  if (!parsed.success) throw new StepFailure(`the promotion record does not match its schema: ${parsed.error.message}`);
  const rec = parsed.data;
  const vm = rec.checks.filter((c) => c.name.startsWith('vm-check:')).map((c) => `${c.name} ${c.status}`);
  if (rec.status !== 'promoted' || run.code !== 0) {
    throw new StepFailure(`${p.label} was ${rec.status} (exit ${run.code}): ${rec.reason}${vm.length ? ` [${vm.join(', ')}]` : ''}`);
  }
  ctx.state.promotionId = rec.promotion_id;
  ctx.state.changedOrgans = rec.changed_organs ?? [];
  const evidence = [`${join(ctx.scratch.memory, 'mutation-promotions.jsonl')}#${rec.promotion_id}`];
  if (existsSync(bundle)) {
    evidence.unshift(bundle);
    ctx.evidence.push(bundle);
  }
  return {
    status: rec.status,
    reason: `${p.label}: ${rec.reason} (${vm.join(', ') || 'no vm-check recorded'})`,
    evidence,
    items: [
      invariant('live genome unchanged', liveGenomeState(ctx.scratch.genome) === before, 'the replay happened in a candidate'),
      invariant('candidate removed', readdirSync(ctx.scratch.work).length === 0, `work dir ${ctx.scratch.work} is empty`),
    ],
  };
}
