import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SelfState } from '@autopoietic/core/schemas';
import type { DemoContext } from '../context.js';
import { expectExit } from '../tools.js';
import { StepFailure } from '../types.js';
import type { StepBody } from './step.js';

/** P0: os-introspect reads the genome copy into a self-state file that validates against its schema. */
export function observe(ctx: DemoContext): StepBody {
  const out = join(ctx.scratch.dir, 'self-state.json');
  const run = ctx.tools.run('os-introspect', ['--root', ctx.scratch.genome, '--output', out], { policy: true });
  expectExit(run, 'os-introspect', [0]);
  if (!existsSync(out)) throw new StepFailure(`os-introspect exited 0 but wrote no ${out}`);
  const parsed = SelfState.safeParse(JSON.parse(readFileSync(out, 'utf8')));
  if (!parsed.success) {
    throw new StepFailure(`the self-state does not match its schema: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  }
  const state = parsed.data;
  ctx.evidence.push(out);
  const facts = [`host ${state.identity.host}${state.identity.source ? ` (from ${state.identity.source})` : ''}`];
  const nixFiles = (state.genome as { nix_files?: unknown[] }).nix_files;
  if (Array.isArray(nixFiles)) facts.push(`${nixFiles.length} .nix files`);
  const hosts = hostNames(state.genome.hosts);
  if (hosts.length) facts.push(`hosts: ${hosts.join(', ')}`);
  // The scratch etc dir has no identity.json, so the identity must come from the genome itself.
  if (ctx.genomeHost !== undefined && state.identity.host !== ctx.genomeHost) {
    throw new StepFailure(
      `identity host is ${JSON.stringify(state.identity.host)}, but hosts/${ctx.target}/configuration.nix sets ${JSON.stringify(ctx.genomeHost)}`,
    );
  }
  return { status: 'observed', reason: facts.join(', '), evidence: [out] };
}

function hostNames(hosts: unknown): string[] {
  if (Array.isArray(hosts)) return hosts.map((h) => (typeof h === 'string' ? h : String((h as { name?: unknown }).name ?? '?')));
  if (hosts && typeof hosts === 'object') return Object.keys(hosts);
  return [];
}
