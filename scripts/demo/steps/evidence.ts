import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BundleCheckReport } from '@autopoietic/core/evidence';
import type { DemoContext } from '../context.js';
import { jsonOut } from '../tools.js';
import { StepFailure, type ItemResult } from '../types.js';
import type { StepBody } from './step.js';

/** The report as printed; partial, since a CLI from an older build may leave parts out. */
type CheckReport = Partial<BundleCheckReport>;

/**
 * `mutation-journal evidence check` on every bundle the earlier steps wrote: each must be
 * re-derivable from the ledgers, files, logs and kept outputs it cites (status `matched`), so
 * a bundle is shown to restate its record, not only to satisfy its schema.
 */
export function evidence(ctx: DemoContext): StepBody {
  const bundles = readdirSync(ctx.scratch.evidence)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(ctx.scratch.evidence, f));
  if (bundles.length === 0) throw new StepFailure(`no evidence bundles in ${ctx.scratch.evidence}`);
  const items = bundles.map((bundle) => checkOne(ctx, bundle));
  return {
    status: items.every((i) => i.ok) ? 'matched' : 'failed',
    reason: `${bundles.length} bundles re-derived from what they cite`,
    items,
  };
}

function checkOne(ctx: DemoContext, bundle: string): ItemResult {
  const output = ctx.state.keptOutputs?.[bundle];
  const run = ctx.tools.run('mutation-journal', ['evidence', 'check', bundle, ...(output ? ['--output', output] : [])]);
  const report = jsonOut<CheckReport>(run, `evidence check ${basename(bundle)}`);
  const ok = run.code === 0 && report.status === 'matched';
  const counts = Object.entries(report.counts ?? {})
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  // Every kind of item, the ledgers' chains too, and a cause of the failure before an unverifiable one.
  const checked = [...(report.inputs ?? []), ...(report.parts ?? []), ...(report.logs ?? []), ...(report.ledgers ?? [])];
  const first = checked.find((c) => c.status === 'differs' || c.status === 'missing') ?? checked.find((c) => c.status !== 'matched');
  return {
    label: basename(bundle),
    ok,
    status: report.status ?? `exit ${run.code}`,
    reason: ok ? counts : `exit ${run.code}${first ? `: ${first.status} ${first.id}: ${first.reason}` : ''}`,
    evidence: [],
  };
}
