import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGERS } from '@autopoietic/core/schemas';
import type { DemoContext } from '../context.js';
import { jsonOut } from '../tools.js';
import { StepFailure, type ItemResult } from '../types.js';
import type { StepBody } from './step.js';

/** Which ledger each earlier step must have written, by the state it leaves behind. */
function expectedLedgers(ctx: DemoContext): string[] {
  const files: string[] = [LEDGERS.results.file, LEDGERS.organs.file];
  if (ctx.state.promotionId) files.push(LEDGERS.promotions.file);
  if (ctx.state.planFile) files.push(LEDGERS.generations.file);
  if (ctx.state.applied) files.push(LEDGERS.effects.file);
  return files;
}

/** `mutation-journal ledger verify` on every ledger in the memory dir: each chain must be intact. */
export function ledgers(ctx: DemoContext): StepBody {
  const present = existsSync(ctx.scratch.memory)
    ? readdirSync(ctx.scratch.memory).filter((f) => f.endsWith('.jsonl')).sort()
    : [];
  const missing = expectedLedgers(ctx).filter((f) => !present.includes(f));
  if (present.length === 0) throw new StepFailure(`no ledgers in ${ctx.scratch.memory}`);
  const items: ItemResult[] = present.map((file) => {
    const path = join(ctx.scratch.memory, file);
    const run = ctx.tools.run('mutation-journal', ['ledger', 'verify', '--path', path]);
    const report = jsonOut<{ status?: string; lines?: number; problems?: { line: number; message: string }[] }>(run, `ledger verify ${file}`);
    const ok = run.code === 0 && report.status === 'ok';
    const problem = report.problems?.[0];
    return {
      label: file,
      ok,
      status: report.status ?? `exit ${run.code}`,
      reason: ok ? `${report.lines ?? '?'} records, hash chain intact` : `exit ${run.code}${problem ? `: line ${problem.line}: ${problem.message}` : ''}`,
      evidence: [path],
    };
  });
  for (const file of missing) {
    items.push({ label: file, ok: false, status: 'missing', reason: 'an earlier step should have written it', evidence: [] });
  }
  return { status: items.every((i) => i.ok) ? 'ok' : 'broken', reason: `${present.length} ledgers checked`, items };
}
