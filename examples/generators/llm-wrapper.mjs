#!/usr/bin/env node
/**
 * Turns any LLM command line into an evolve generator (README.md in this directory).
 *
 *   mutation-runner evolve --goal '...' \
 *     --generator 'node examples/generators/llm-wrapper.mjs -- llm -m gpt-4o-mini' \
 *     --generator-env OPENAI_API_KEY
 *
 * Everything after `--` is the LLM command: it is run without a shell, gets a prompt on stdin
 * (instructions, the hand-off, and the current text of the genome files the hand-off's facts
 * name, read from the read-only copy in $AUTOPOIETIC_GENOME) and must answer with one fenced
 * ```diff block. The wrapper prints that diff as a proposal: {"patch": ..., "metadata": ...}.
 *
 * Exit codes: 0 a proposal was printed; 2 bad usage or stdin; 3 the model gave no diff;
 * otherwise the LLM command's own failure.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';

const MAX_FILE_CONTEXT = 64 * 1024;

const INSTRUCTIONS = `You change a NixOS configuration (the "genome") by writing a patch.
Answer with exactly one fenced code block marked diff that holds a unified diff in git format
(diff --git a/PATH b/PATH, --- a/PATH, +++ b/PATH, hunks with 3 lines of context), with paths
relative to the genome root. Change only what the goal needs. Do not touch memory/, .git/ or
symlinks. The hand-off below is the evidence: facts with their sources, claims backed by them,
and, under canonical_facts of kind attempt-feedback, why earlier attempts failed (failing checks
and the tails of their logs). Fix what they report instead of repeating a rejected patch.`;

function fail(code, message) {
  process.stderr.write(`llm-wrapper: ${message}\n`);
  process.exit(code);
}

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

/** Genome files the hand-off's facts name (host files, modules that set or declare options). */
function namedFiles(handoff) {
  const files = new Set();
  for (const f of handoff.canonical_facts ?? []) {
    const v = f.value ?? {};
    if (typeof v.file === 'string') files.add(v.file);
  }
  return [...files];
}

function fileContext(genome, files) {
  let budget = MAX_FILE_CONTEXT;
  const parts = [];
  for (const rel of files) {
    const safe = normalize(rel);
    if (safe.startsWith('..') || safe.startsWith('/')) continue;
    let text;
    try {
      if (statSync(join(genome, safe)).size > budget) continue;
      text = readFileSync(join(genome, safe), 'utf8');
    } catch {
      continue;
    }
    budget -= text.length;
    parts.push(`--- file: ${safe} ---\n${text}`);
  }
  return parts.join('\n');
}

function runLlm(argv, prompt) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    const out = [];
    child.stdout.on('data', (d) => out.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, text: Buffer.concat(out).toString('utf8') }));
    child.stdin.on('error', () => {});
    child.stdin.end(prompt);
  });
}

/** The diff in the answer: the first ```diff (or ```patch) block, or the whole answer if it is a bare diff. */
export function extractDiff(answer) {
  const fenced = /```(?:diff|patch)[^\n]*\n([\s\S]*?)\n```/.exec(answer);
  if (fenced) return `${fenced[1]}\n`;
  const trimmed = answer.trim();
  return trimmed.startsWith('diff --git ') || trimmed.startsWith('--- ') ? `${trimmed}\n` : undefined;
}

async function main() {
  const sep = process.argv.indexOf('--');
  const llm = sep < 0 ? [] : process.argv.slice(sep + 1);
  if (llm.length === 0) fail(2, 'usage: llm-wrapper.mjs -- LLM-COMMAND [ARG...]');
  let handoff;
  try {
    handoff = JSON.parse(await readStdin());
  } catch {
    fail(2, 'stdin is not the hand-off JSON');
  }
  const genome = process.env.AUTOPOIETIC_GENOME ?? process.cwd();
  const prompt = `${INSTRUCTIONS}\n\n# Goal\n${handoff.goal}\n\n# Hand-off (JSON)\n${JSON.stringify(handoff)}\n\n# Current files\n${fileContext(genome, namedFiles(handoff))}\n`;
  let answer;
  try {
    answer = await runLlm(llm, prompt);
  } catch (e) {
    fail(2, `cannot run ${llm[0]}: ${e.message}`);
  }
  if (answer.code !== 0) fail(answer.code ?? 1, `${llm[0]} failed (${answer.signal ?? `exit ${answer.code}`})`);
  const patch = extractDiff(answer.text);
  if (!patch) fail(3, `${llm[0]} answered without a diff block`);
  process.stdout.write(`${JSON.stringify({ patch, metadata: { generator: 'examples/generators/llm-wrapper.mjs', llm_command: llm.join(' ') } })}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
