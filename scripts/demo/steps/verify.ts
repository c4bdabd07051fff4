import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MutationVerificationRecord } from '@autopoietic/core/schemas';
import type { DemoContext } from '../context.js';
import { liveGenomeState } from '../git.js';
import { slug, type ProposalInfo } from '../proposals.js';
import { expectExit, jsonOut } from '../tools.js';
import type { ItemResult } from '../types.js';
import type { StepBody } from './step.js';

/**
 * P1: verify every proposal and compare each outcome with the one it expects. Then prove the
 * isolation held: the live genome (HEAD, index, status, refs, worktrees) is unchanged, the
 * candidates are gone from the work dir, and nothing appeared next to the genome (where the
 * hostile proposal's symlink points).
 */
export function verify(ctx: DemoContext): StepBody {
  const before = liveGenomeState(ctx.scratch.genome);
  const around = readdirSync(ctx.scratch.dir).sort().join(',');
  const items = ctx.proposals.map((p) => verifyOne(ctx, p));
  items.push(
    invariant('live genome unchanged', liveGenomeState(ctx.scratch.genome) === before, 'HEAD, index, status, refs and worktrees are as before'),
    invariant(
      'nothing left outside the candidates',
      readdirSync(ctx.scratch.work).length === 0 && readdirSync(ctx.scratch.dir).sort().join(',') === around,
      `work dir ${ctx.scratch.work} is empty and no file appeared next to the genome`,
    ),
  );
  const outcomes = ctx.proposals.map((p) => items.find((i) => i.label === p.label)?.status ?? '?');
  return { status: outcomes.join(', '), reason: `${ctx.proposals.length} proposal(s) checked in isolated candidates`, items };
}

function verifyOne(ctx: DemoContext, p: ProposalInfo): ItemResult {
  const bundle = join(ctx.scratch.evidence, `verify-${slug(p.label)}.json`);
  const run = ctx.tools.run('mutation-runner', [
    'verify',
    '--proposal', p.path,
    '--root', ctx.scratch.genome,
    '--work-dir', ctx.scratch.work,
    '--evidence-bundle', bundle,
  ], { policy: true });
  expectExit(run, `verify ${p.label}`, [0, 1]);
  const parsed = MutationVerificationRecord.safeParse(jsonOut(run, `verify ${p.label}`));
  if (!parsed.success) {
    return { label: p.label, ok: false, status: 'invalid-record', expected: p.expected, reason: parsed.error.message, evidence: [] };
  }
  const rec = parsed.data;
  const evidence = [`${join(ctx.scratch.memory, 'mutation-results.jsonl')}#${rec.verification_id}`];
  if (existsSync(bundle)) {
    evidence.unshift(bundle);
    ctx.evidence.push(bundle);
  }
  const exitMatches = (rec.status === 'verified') === (run.code === 0);
  if (rec.status === 'verified' && p.expected === 'verified' && !ctx.state.verified) ctx.state.verified = p;
  const failed = rec.checks.filter((c) => c.status !== 'passed');
  const failing = failed.map((c) => `${c.name} ${c.status}`);
  const why = failed.map((c) => firstCause(c.stderr)).find(Boolean);
  const reason = [
    rec.reason,
    failing.length ? `(${failing.join(', ')})` : '',
    why ? `— ${why}` : '',
    exitMatches ? '' : `but exit code ${run.code}`,
  ]
    .filter(Boolean)
    .join(' ');
  return { label: p.label, ok: rec.status === p.expected && exitMatches, status: rec.status, expected: p.expected, reason, evidence };
}

/** The line of a failed check's output that says why: a check's own message, else Nix's first error. */
function firstCause(stderr: string): string | undefined {
  const lines = stderr.split('\n').map((l) => l.replace(/^\s*>?\s*/, '').trim());
  return lines.find((l) => l.startsWith('check failed:')) ?? lines.find((l) => l.startsWith('error:'));
}

export function invariant(label: string, ok: boolean, reason: string): ItemResult {
  return { label, ok, status: ok ? 'holds' : 'VIOLATED', reason, evidence: [] };
}
