import { resolve } from 'node:path';
import { checkOutputPath, createNewFile } from '@autopoietic/core/adapters';
import { printJson, printText, usageError } from '@autopoietic/core/cli-kit';
import type { SkippedLine } from '@autopoietic/core/ledger';
import type { Handoff } from '@autopoietic/core/schemas';
import { buildHandoff, DEFAULT_HANDOFF_BYTES, MAX_HANDOFF_BYTES } from './build.js';
import { lineageHead, locate, mutationContext, observe, type Located, type Where } from './gather.js';
import { loadAncestry, loadGoalHistory, type History } from './history.js';
import { renderMarkdown } from './markdown.js';
import { mutationIdProblem } from '../propose/write.js';
import { placeOf } from './refs.js';
import type { ObservedState } from './state-facts.js';

/**
 * `mutation-runner handoff`: the hand-off for a goal (with the feedback of the latest attempts
 * at it, or of `--from-attempt`'s ancestry) or for an existing mutation. Read-only.
 */
export interface HandoffOptions extends Where {
  goal?: string | undefined;
  mutationId?: string | undefined;
  proposal?: string | undefined;
  fromAttempt?: string | undefined;
  selfState?: string | undefined;
  maxBytes?: string | undefined;
  format?: string | undefined;
  output?: string | undefined;
}

export const STANDING_LIMITS = [
  'Option values are read from the Nix source (tree-sitter, as os-introspect parses it), not evaluated: a value computed elsewhere or coming from a flake input is not shown.',
  'Facts describe the genome and ledgers when the hand-off was made; the live host may have changed since.',
];

export async function runHandoff(opts: HandoffOptions): Promise<void> {
  const format = opts.format ?? 'json';
  if (format !== 'json' && format !== 'markdown') throw usageError('format-unknown', `--format: unknown format ${JSON.stringify(format)}`, 'Use json or markdown.');
  if ((opts.goal === undefined) === (opts.mutationId === undefined)) {
    throw usageError('subject-missing', 'give exactly one of --goal TEXT or --mutation-id ID', 'A hand-off is about a goal (for a new proposal) or an existing mutation.');
  }
  if (opts.goal !== undefined && opts.goal.trim() === '') throw usageError('flag-blank', '--goal must not be blank', 'Say what the change should achieve.');
  // Else '' (or '../x') became a path under the queue: "cannot use the proposal of : failed to read
  // proposal <root>/mutations/pending/proposal.json".
  const idProblem = opts.mutationId === undefined ? undefined : mutationIdProblem(opts.mutationId);
  if (idProblem) throw usageError('mutation-id-invalid', `--mutation-id ${JSON.stringify(opts.mutationId)} ${idProblem}`, 'Give the mutation_id of an existing proposal (the name of its directory in mutations/pending/).');
  if (opts.proposal !== undefined && opts.mutationId === undefined) throw usageError('flags-conflict', '--proposal goes with --mutation-id', 'Name the mutation the proposal belongs to.');
  const maxBytes = parseMaxBytes(opts.maxBytes);
  const loc = locate(opts);
  // Before any work: `--output memory/effects.jsonl` created that ledger holding a hand-off, and an
  // existing file or a missing directory failed only once the hand-off was built (create-new).
  const output = opts.output === undefined ? undefined : checkOutputPath('--output', resolve(loc.cwd, opts.output), 'handoff.json', { createsParents: false, createNew: true });
  const observed = await observe(loc, opts.selfState);
  const doc = await composeHandoff(loc, observed, { goal: opts.goal, mutationId: opts.mutationId, proposal: opts.proposal, fromAttempt: opts.fromAttempt, maxBytes });
  const text = format === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : renderMarkdown(doc);
  if (output !== undefined) createNewFile(output, text);
  else if (format === 'json') printJson(doc);
  else printText(text);
}

export interface Compose {
  goal?: string | undefined;
  mutationId?: string | undefined;
  proposal?: string | undefined;
  fromAttempt?: string | undefined;
  maxBytes: number;
  subject?: Handoff['subject'];
  /** Without `fromAttempt`: carry no earlier attempts (a new root of the attempt tree) instead of the goal's latest. */
  noGoalHistory?: boolean;
}

/** The hand-off from located inputs (shared with the evolve loop). */
export async function composeHandoff(loc: Located, observed: ObservedState | undefined, c: Compose): Promise<Handoff> {
  // Lines the reads left out (a torn last line): the hand-off says its history may be incomplete.
  const skipped: SkippedLine[] = [];
  const mutation = c.mutationId !== undefined ? await mutationContext(loc, c.mutationId, c.proposal, skipped) : undefined;
  const goal = c.goal ?? mutation!.proposal.goal;
  let history: History;
  if (c.fromAttempt !== undefined) history = await loadAncestry(loc.ledgers, c.fromAttempt, undefined, skipped);
  else if (mutation || c.noGoalHistory) history = { items: [], omitted: 0 };
  else history = await loadGoalHistory(loc.ledgers, goal, undefined, skipped);
  const limits = [...STANDING_LIMITS];
  if (!observed) limits.push('No self-state: the host and its genome were not observed for this hand-off.');
  // Named by place, as every path in a hand-off is (no host path).
  for (const s of skipped) {
    limits.push(`${placeOf(s.ledger, loc)} line ${s.line}, a torn last line (an append that never completed), was left out: what it recorded is not in this hand-off; an operator repairs it with \`mutation-journal ledger repair\`.`);
  }
  return buildHandoff({
    goal,
    subject: c.subject ?? (mutation ? { kind: 'mutation', mutation_id: mutation.proposal.mutation_id } : { kind: 'goal', ...(c.fromAttempt ? { parent_attempt_id: c.fromAttempt } : {}) }),
    maxBytes: c.maxBytes,
    places: loc,
    observed,
    history,
    mutation,
    lineageSource: placeOf(loc.ledgers.lineage, loc),
    resultsSource: placeOf(loc.ledgers.results, loc),
    lineageDigest: await lineageHead(loc),
    limits,
  });
}

export function parseMaxBytes(value: string | undefined): number {
  if (value === undefined) return DEFAULT_HANDOFF_BYTES;
  if (!/^[1-9]\d*$/.test(value) || Number(value) > MAX_HANDOFF_BYTES) {
    throw usageError('invalid-option', `--max-bytes ${JSON.stringify(value)} must be a whole number from 1 to ${MAX_HANDOFF_BYTES}`, `For example --max-bytes ${DEFAULT_HANDOFF_BYTES}.`);
  }
  return Number(value);
}

export type { Located };
