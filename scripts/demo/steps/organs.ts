import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrganRegistrySuggestionOutput, OrganReviewOutput } from '@autopoietic/core/schemas';
import type { DemoContext } from '../context.js';
import { expectExit, jsonOut } from '../tools.js';
import { StepFailure, type ItemResult } from '../types.js';
import { keepOutput, type StepBody } from './step.js';
import { invariant } from './verify.js';

interface OrganSeed {
  name: string;
  source: string;
  purpose: string;
}

/**
 * P4: register the genome's modules as organs, review them, then ask for suggestions. The
 * promoted proposal introduced an organ (changed_organs) that is not registered, so suggest
 * must name it. Review and suggest are read-only: the registry's bytes must not change.
 */
export function organs(ctx: DemoContext): StepBody {
  const seeds = moduleOrgans(ctx.scratch.genome);
  if (seeds.length === 0) throw new StepFailure(`no modules/*.nix in the genome to register as organs`);
  for (const o of seeds) {
    const run = ctx.tools.run('mutation-journal', [
      'organ', 'add', '--name', o.name, '--type', 'nixos-module', '--source', o.source, '--purpose', o.purpose,
    ]);
    expectExit(run, `organ add ${o.name}`, [0]);
  }
  const registry = join(ctx.scratch.memory, 'organs.jsonl');
  const bytes = existsSync(registry) ? readFileSync(registry) : Buffer.alloc(0);

  const reviewBundle = join(ctx.scratch.evidence, 'organ-review.json');
  // Their outputs are kept, so that step 9 can check the bundles against them.
  const reviewOut = join(ctx.scratch.dir, 'organ-review.out.json');
  const review = ctx.tools.run('mutation-journal', ['organ', 'review', '--evidence-bundle', reviewBundle], { stdoutTo: reviewOut });
  expectExit(review, 'organ review', [0]);
  const r = OrganReviewOutput.safeParse(jsonOut(review, 'organ review'));
  if (!r.success) throw new StepFailure(`the organ review does not match its schema: ${r.error.message}`);

  const suggestBundle = join(ctx.scratch.evidence, 'organ-suggest.json');
  const suggestOut = join(ctx.scratch.dir, 'organ-suggest.out.json');
  const suggest = ctx.tools.run('mutation-journal', ['organ', 'suggest', '--evidence-bundle', suggestBundle], { stdoutTo: suggestOut });
  expectExit(suggest, 'organ suggest', [0]);
  const s = OrganRegistrySuggestionOutput.safeParse(jsonOut(suggest, 'organ suggest'));
  if (!s.success) throw new StepFailure(`the organ suggestions do not match their schema: ${s.error.message}`);

  const candidates = s.data.candidates.map((c) => c.name);
  const registered = new Set(seeds.map((o) => o.name.toLowerCase()));
  const expected = (ctx.state.changedOrgans ?? []).filter((o) => !registered.has(o.toLowerCase()));
  const items: ItemResult[] = [
    invariant('registered', r.data.total_organs === seeds.length, `${r.data.total_organs} organs in organs.jsonl: ${seeds.map((o) => o.name).join(', ')}`),
    invariant('review and suggest are read-only', readFileSync(registry).equals(bytes), 'organs.jsonl is byte-identical'),
    invariant(
      'suggest names the new organ',
      expected.every((o) => candidates.some((c) => c.toLowerCase() === o.toLowerCase())),
      expected.length
        ? `promoted as changed organs but not registered: ${expected.join(', ')}; suggest lists: ${candidates.join(', ') || 'nothing'}`
        : 'no unregistered organ was promoted',
    ),
  ];
  for (const b of [reviewBundle, suggestBundle]) if (existsSync(b)) ctx.evidence.push(b);
  keepOutput(ctx, reviewBundle, reviewOut);
  keepOutput(ctx, suggestBundle, suggestOut);
  return {
    status: 'reviewed',
    reason: `review: ${groups(r.data)}; suggest: ${candidates.length ? candidates.join(', ') : 'no candidates'}`,
    evidence: [registry, ...[reviewBundle, suggestBundle].filter((b) => existsSync(b))],
    items,
  };
}

/** Every `modules/<name>.nix` except default.nix, with its header comment's first sentence as its purpose. */
function moduleOrgans(genome: string): OrganSeed[] {
  const dir = join(genome, 'modules');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.nix') && f !== 'default.nix')
    .sort()
    .map((f) => {
      const purpose = headerSentence(readFileSync(join(dir, f), 'utf8'));
      return { name: f.replace(/\.nix$/, ''), source: `modules/${f}`, purpose: purpose || `NixOS module modules/${f}` };
    });
}

function headerSentence(text: string): string {
  const comment: string[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('#')) break;
    comment.push(line.replace(/^#+\s*/, ''));
  }
  const joined = comment.join(' ').trim();
  return /^(.*?[.!?])(\s|$)/.exec(joined)?.[1] ?? joined;
}

function groups(review: OrganReviewOutput): string {
  const sizes = {
    active: review.active.length,
    candidates: review.candidates.length,
    stale: review.stale.length,
    duplicate: review.duplicate.length,
    failed: review.failed.length,
    unknown: review.unknown.length,
    retired: review.retired.length,
  };
  const parts = Object.entries(sizes).filter(([, n]) => n > 0);
  return parts.map(([g, n]) => `${n} ${g}`).join(', ') || 'no organs';
}
