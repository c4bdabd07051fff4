import { existsSync } from 'node:fs';
import type { DemoContext } from '../context.js';
import type { ItemResult } from '../types.js';

/** What a step function returns when it ran; it throws StepFailure or StepSkipped otherwise. */
export interface StepBody {
  status: string;
  reason: string;
  evidence?: string[];
  /** Sub-results; the step fails if any of them is not ok. */
  items?: ItemResult[];
}

export interface StepDef {
  n: number;
  phase: string;
  title: string;
  run: (ctx: DemoContext) => StepBody;
}

/** Notes that `bundle`'s record is the command output kept in `file` (for `evidence check --output`). */
export function keepOutput(ctx: DemoContext, bundle: string, file: string): void {
  if (existsSync(bundle)) ctx.state.keptOutputs = { ...ctx.state.keptOutputs, [bundle]: file };
}
