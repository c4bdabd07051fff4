import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/**
 * `mutation-journal ledger verify` on every ledger: the operator's, in the memory dir, and the
 * installed system's, seeded into the target root by install-apply. Each chain must be intact.
 */
export function ledgers(ctx: DemoContext): StepBody {
  const present = existsSync(ctx.scratch.memory)
    ? readdirSync(ctx.scratch.memory).filter((f) => f.endsWith('.jsonl')).sort()
    : [];
  if (present.length === 0) throw new StepFailure(`no ledgers in ${ctx.scratch.memory}`);
  const items = present.map((file) => verifyOne(ctx, join(ctx.scratch.memory, file), file));
  const installed = jsonlFiles(ctx.scratch.target);
  for (const path of installed) items.push(verifyOne(ctx, path, `target:/${relative(ctx.scratch.target, path)}`));
  for (const file of expectedLedgers(ctx).filter((f) => !present.includes(f))) {
    items.push({ label: file, ok: false, status: 'missing', reason: 'an earlier step should have written it', evidence: [] });
  }
  return {
    status: items.every((i) => i.ok) ? 'ok' : 'broken',
    reason: `${present.length} ledgers in the memory dir, ${installed.length} installed in the target root`,
    items,
  };
}

function verifyOne(ctx: DemoContext, path: string, label: string): ItemResult {
  const run = ctx.tools.run('mutation-journal', ['ledger', 'verify', '--path', path]);
  const report = jsonOut<{ status?: string; lines?: number; problems?: { line: number; message: string }[] }>(run, `ledger verify ${label}`);
  const ok = run.code === 0 && report.status === 'ok';
  const problem = report.problems?.[0];
  return {
    label,
    ok,
    status: report.status ?? `exit ${run.code}`,
    reason: ok
      ? `${report.lines ?? '?'} record${report.lines === 1 ? '' : 's'}, hash chain intact`
      : `${path}: exit ${run.code}${problem ? `: line ${problem.line}: ${problem.message}` : ''}`,
    // The path is the label (memory dir or target root + name); the summary lists them all.
    evidence: [],
  };
}

/** Every `*.jsonl` anywhere under `dir` (an installed system's tree), sorted. */
function jsonlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.jsonl')) out.push(join(e.parentPath, e.name));
  }
  return out.sort();
}
