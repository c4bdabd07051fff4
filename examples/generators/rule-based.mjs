#!/usr/bin/env node
/**
 * The shipped deterministic generator for `mutation-runner evolve` (README.md in this directory).
 *
 *   node examples/generators/rule-based.mjs [--fail-first] [--genome DIR] < handoff.json > proposal.json
 *
 * It reads a hand-off on stdin, understands goals of the form
 * "set `autopoietic.<option>` to `<value>` on host `<host>`", edits the Nix source at the
 * positions the tree-sitter parse gives, and prints a proposal (JSON with an inline patch).
 * `--fail-first` makes the first attempt wrong on purpose (the value in a list, which the
 * option's type rejects); a later attempt reads the failing check's message from the hand-off's
 * feedback and writes the type the evaluator asked for.
 *
 * Exit codes: 0 a proposal was printed; 2 bad input (flags, stdin); 3 no proposal (goal not
 * understood, nothing to change, or it would repeat a rejected attempt).
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { attemptFeedback, expectedKind } from './lib/feedback.mjs';
import { guessKind, parseGoal, plainValue, renderValue } from './lib/goal.mjs';
import { applySetting, locateSetting } from './lib/edit.mjs';
import { Refusal } from './lib/refusal.mjs';
import { unifiedDiff } from './lib/unified-diff.mjs';

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Which Nix type to write the value as, and why. */
function chooseKind(raw, located, feedback, failFirst) {
  if (failFirst && feedback.length === 0) return { kind: 'list', why: 'deliberately wrong on the first attempt (--fail-first)' };
  const last = feedback.at(-1);
  const fromFeedback = last ? expectedKind(last) : undefined;
  if (fromFeedback) return { kind: fromFeedback, why: `the evaluator asked for ${fromFeedback} in attempt ${last.attempt_id}` };
  const lit = located.existing?.literal;
  if (typeof lit === 'boolean') return { kind: 'bool', why: 'the current value is a boolean' };
  if (typeof lit === 'number') return { kind: 'int', why: 'the current value is an integer' };
  if (typeof lit === 'string') return { kind: 'string', why: 'the current value is a string' };
  return { kind: guessKind(plainValue(raw)), why: 'read from the value text' };
}

async function propose(handoff, opts) {
  if (typeof handoff?.goal !== 'string') throw new Refusal(2, 'stdin is not a hand-off: it has no "goal" string');
  const goal = parseGoal(handoff.goal);
  if (!goal) throw new Refusal(3, `goal not understood: ${JSON.stringify(handoff.goal)}; expected: set \`autopoietic.<option>\` to \`<value>\` on host \`<host>\``);
  const genome = opts.genome ?? process.env.AUTOPOIETIC_GENOME ?? process.cwd();
  const feedback = attemptFeedback(handoff);
  const located = await locateSetting(genome, goal.host, goal.option);
  const choice = chooseKind(goal.raw, located, feedback, opts.failFirst);
  const after = await applySetting(located, goal.option, renderValue(goal.raw, choice.kind));
  const patch = unifiedDiff(located.file, located.source, after);
  if (patch === '') throw new Refusal(3, `nothing to change: ${goal.option} is already set to that value in ${located.file}`);
  const repeated = feedback.find((f) => f.patch === patch);
  if (repeated) throw new Refusal(3, `no new hypothesis: this patch was already rejected in attempt ${repeated.attempt_id} (${repeated.reason})`);
  process.stderr.write(`rule-based: setting ${goal.option} in ${located.file} as ${choice.kind}: ${choice.why}\n`);
  return {
    schema_version: '0.1.0',
    mutation_id: `mut-rule-${createHash('sha256').update(patch).digest('hex').slice(0, 16)}`,
    goal: handoff.goal,
    phase: 'evolve',
    changed_paths: [located.file],
    expected_checks: [{ name: `nix-parse:${located.file}`, command: 'nix-instantiate', args: ['--parse', located.file] }],
    patch,
    metadata: { generator: 'examples/generators/rule-based.mjs', value_kind: choice.kind, value_kind_reason: choice.why, ...(located.existing ? { replaced_line: String(located.existing.line) } : {}) },
  };
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({ options: { 'fail-first': { type: 'boolean' }, genome: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (e) {
    throw new Refusal(2, e.message);
  }
  if (values.help) {
    process.stdout.write('usage: rule-based.mjs [--fail-first] [--genome DIR] < handoff.json > proposal.json\n');
    return;
  }
  const text = await readStdin();
  let handoff;
  try {
    handoff = JSON.parse(text);
  } catch {
    throw new Refusal(2, 'stdin is not JSON: expected the hand-off document (mutation-runner handoff --format json)');
  }
  const proposal = await propose(handoff, { failFirst: values['fail-first'] === true, genome: values.genome });
  process.stdout.write(`${JSON.stringify(proposal, null, 2)}\n`);
}

main().catch((e) => {
  process.stderr.write(`rule-based: ${e.message}\n`);
  process.exitCode = e instanceof Refusal ? e.code : 1;
});
