import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DemoContext } from './context.js';
import { UsageError, type DemoOptions } from './options.js';
import { findProposals } from './proposals.js';
import { renderCommand, renderFooter, renderHeader, renderStep } from './render.js';
import { createScratch } from './scratch.js';
import { evidence } from './steps/evidence.js';
import { installApply, installPlan, installVerify } from './steps/install.js';
import { ledgers } from './steps/ledgers.js';
import { observe } from './steps/observe.js';
import { organs } from './steps/organs.js';
import { promote } from './steps/promote.js';
import type { StepDef } from './steps/step.js';
import { verify } from './steps/verify.js';
import { Tools } from './tools.js';
import { StepFailure, StepSkipped, type DemoSummary, type StepResult } from './types.js';

/** The pipeline, in order. Each step checks its own prerequisites (StepSkipped) from ctx.state. */
export const STEPS: StepDef[] = [
  { n: 1, phase: 'P0', title: 'observe (os-introspect)', run: observe },
  { n: 2, phase: 'P1', title: 'verify the proposals', run: verify },
  { n: 3, phase: 'P2', title: 'promote the verified proposal', run: promote },
  { n: 4, phase: 'P3', title: 'install-plan --record', run: installPlan },
  { n: 5, phase: 'P3', title: 'install-apply into the scratch target root', run: installApply },
  { n: 6, phase: 'P3', title: 'install-verify', run: installVerify },
  { n: 7, phase: 'P4', title: 'organ add, review, suggest', run: organs },
  { n: 8, phase: 'ledgers', title: 'ledger verify on every ledger', run: ledgers },
  { n: 9, phase: 'evidence', title: 'evidence check on every bundle', run: evidence },
];

/** Runs the demo; `print` receives the readable lines as they happen. */
export function runDemo(opts: DemoOptions, repoRoot: string, print: (text: string) => void): DemoSummary {
  const started = Date.now();
  const scratch = createScratch(opts.genome);
  try {
    const target = opts.target ?? detectTarget(scratch.genome);
    const tools = new Tools(repoRoot, scratch, (c) => opts.verbose && print(renderCommand(c)));
    const ctx: DemoContext = {
      opts,
      repoRoot,
      scratch,
      tools,
      target,
      vmCheck: opts.vmCheck ?? `${target}-smoke`,
      proposals: findProposals(opts.proposals, opts.genome, scratch.genome),
      genomeHost: genomeHost(scratch.genome, target),
      state: {},
      evidence: [],
    };
    const summary: DemoSummary = {
      ok: false,
      genome: opts.genome,
      scratch_dir: scratch.dir,
      kept: opts.keep,
      genome_copy: scratch.genome,
      memory_dir: scratch.memory,
      target_root: scratch.target,
      evidence: ctx.evidence,
      ledgers: [],
      steps: [],
      ms: 0,
    };
    print(renderHeader(opts.genome, summary, target));
    for (const def of STEPS) {
      const result = runStep(ctx, def);
      summary.steps.push(result);
      print(renderStep(result, STEPS.length));
    }
    summary.ledgers = readdirSync(scratch.memory).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(scratch.memory, f));
    summary.ok = summary.steps.every((s) => s.outcome === 'ok');
    summary.ms = Date.now() - started;
    print(renderFooter(summary));
    return summary;
  } finally {
    if (!opts.keep) rmSync(scratch.dir, { recursive: true, force: true });
  }
}

function runStep(ctx: DemoContext, def: StepDef): StepResult {
  const started = Date.now();
  const first = ctx.tools.log.length;
  const base = { n: def.n, phase: def.phase, title: def.title };
  const done = (r: Omit<StepResult, 'n' | 'phase' | 'title' | 'commands' | 'ms'>): StepResult => ({
    ...base,
    ...r,
    commands: ctx.tools.log.slice(first),
    ms: Date.now() - started,
  });
  try {
    const body = def.run(ctx);
    const items = body.items ?? [];
    const ok = items.every((i) => i.ok);
    return done({ outcome: ok ? 'ok' : 'failed', status: body.status, reason: body.reason, evidence: body.evidence ?? [], items });
  } catch (e) {
    if (e instanceof StepSkipped) return done({ outcome: 'skipped', status: 'skipped', reason: e.message, evidence: [], items: [] });
    if (e instanceof StepFailure) {
      const reason = e.hint ? `${e.message}\n       hint: ${e.hint}` : e.message;
      return done({ outcome: 'failed', status: 'failed', reason, evidence: [], items: [] });
    }
    throw e;
  }
}

/** The target configuration: the only directory in hosts/, or --target. */
function detectTarget(genome: string): string {
  const hosts = join(genome, 'hosts');
  const names = existsSync(hosts)
    ? readdirSync(hosts, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()
    : [];
  if (names.length === 1) return names[0]!;
  throw new UsageError(
    names.length === 0
      ? `${hosts} has no host directory: pass --target NAME (the configuration promote targets)`
      : `${hosts} has several hosts (${names.join(', ')}): pass --target NAME`,
  );
}

/** `autopoietic.identity.host = "<literal>";` in hosts/<target>/configuration.nix, if present. */
function genomeHost(genome: string, target: string): string | undefined {
  const file = join(genome, 'hosts', target, 'configuration.nix');
  if (!existsSync(file)) return undefined;
  return /autopoietic\.identity\.host\s*=\s*"([^"\\$]*)"\s*;/.exec(readFileSync(file, 'utf8'))?.[1];
}
