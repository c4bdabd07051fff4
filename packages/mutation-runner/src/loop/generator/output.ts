import { realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { isInsideDir } from '@autopoietic/core/adapters';
import { memoryWriteHint } from '@autopoietic/core/ledger';
import { ExpectedCheck, Metadata, SideEffectDeclaration } from '@autopoietic/core/schemas';
import { z } from 'zod';
import { resolvePatchSource } from '../../proposal/patch-source.js';
import { readProposal } from '../../proposal/read.js';
import type { GeneratorResult } from './run.js';

/**
 * What a generator may print on stdout (docs/evolve.md):
 *   - a proposal as JSON with an inline `patch` (the fields the loop owns, `mutation_id`, `goal`
 *     and `phase`, may be present and are replaced; `changed_paths` and `expected_checks` may be
 *     left out and are then derived from the patch, as propose does); or
 *   - one line: the path of a proposal directory it wrote inside its sandbox (`proposal.json`
 *     with `patch_path` or `patch`), read with verify's own rules.
 * Anything else is garbage, and so is any output of a generator that did not exit 0.
 */
export interface GeneratedProposal {
  patch: Buffer;
  changed_paths?: string[] | undefined;
  expected_checks?: ExpectedCheck[] | undefined;
  side_effects?: z.infer<typeof SideEffectDeclaration>[] | undefined;
  metadata?: Record<string, string> | undefined;
}

export type OutputVerdict = { ok: true; proposal: GeneratedProposal } | { ok: false; reason: string };

const Inline = z.strictObject({
  schema_version: z.string().optional(),
  mutation_id: z.string().optional(),
  goal: z.string().optional(),
  phase: z.string().optional(),
  changed_paths: z.array(z.string()).optional(),
  expected_checks: z.array(ExpectedCheck).optional(),
  patch: z.string(),
  side_effects: z.array(SideEffectDeclaration).optional(),
  metadata: Metadata.optional(),
});

export function readGeneratorOutput(g: GeneratorResult, sandboxDir: string, timeoutMs: number, maxOutputBytes: number): OutputVerdict {
  const run = g.run;
  if (run.outcome === 'timeout') return bad(`generator timed out after ${Math.round(timeoutMs / 1000)} s and was killed`);
  if (run.outcome === 'output-too-large') return bad(`generator wrote more than ${maxOutputBytes} bytes of output and was killed`);
  if (run.outcome === 'spawn-failed') return bad(`generator could not be started: ${g.result.spawnError}`);
  if (g.result.logError) return bad(`generator was stopped: cannot write its log ${g.result.logError}. ${memoryWriteHint(g.result.logErrorCode, 'Check that the memory directory is writable and has free space.')}`);
  if (run.outcome === 'cancelled') return bad('generator was cancelled');
  if (run.signal) return bad(`generator was killed by ${run.signal}`);
  if (run.exit_code !== 0) return bad(`generator exited with status ${run.exit_code}${lastLine(g.result.stderr)}`);
  const text = g.stdout.toString('utf8').trim();
  if (text === '') return bad(`generator printed nothing on stdout${lastLine(g.result.stderr)}`);
  if (text.startsWith('{')) return inline(text);
  if (!text.includes('\n')) return fromDirectory(text, sandboxDir);
  return bad(`generator output is not a proposal: stdout is neither JSON nor a proposal directory path (it starts ${JSON.stringify(text.slice(0, 60))})`);
}

function inline(text: string): OutputVerdict {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return bad(`generator output is not a proposal: stdout is not valid JSON (${(e as Error).message})`);
  }
  const parsed = Inline.safeParse(raw);
  if (!parsed.success) {
    return bad(`generator output is not a proposal: ${parsed.error.issues.slice(0, 4).map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ')}`);
  }
  const p = parsed.data;
  return { ok: true, proposal: { patch: Buffer.from(p.patch, 'utf8'), changed_paths: p.changed_paths, expected_checks: p.expected_checks, side_effects: p.side_effects, metadata: p.metadata } };
}

function fromDirectory(line: string, sandboxDir: string): OutputVerdict {
  const dir = isAbsolute(line) ? line : resolve(sandboxDir, line);
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    return bad(`generator output is not a proposal: ${JSON.stringify(line)} is not JSON and not an existing proposal directory`);
  }
  if (!isInsideDir(real, sandboxDir) || !statSync(real).isDirectory()) {
    return bad(`generator printed the path ${JSON.stringify(line)}, which is not a directory inside its sandbox`);
  }
  const special = notRegular(join(real, 'proposal.json'));
  if (special) return bad(`generator's proposal directory: proposal.json is ${special}, not a file`);
  const read = readProposal(join(real, 'proposal.json'));
  if (!read.ok) return bad(`generator's proposal directory: ${read.reason}`);
  const patchFile = read.proposal.patch_path === undefined ? undefined : notRegular(resolve(read.dir, read.proposal.patch_path));
  if (patchFile) return bad(`generator's proposal directory: patch_path ${JSON.stringify(read.proposal.patch_path)} is ${patchFile}, not a file`);
  const source = resolvePatchSource(read.proposal, read.dir);
  if (!source.ok) return bad(`generator's proposal directory: ${source.reason}`);
  const p = read.proposal;
  return { ok: true, proposal: { patch: source.bytes, changed_paths: p.changed_paths, expected_checks: p.expected_checks, side_effects: p.side_effects, metadata: p.metadata } };
}

/**
 * What a path the generator left is, when it exists and is not a regular file. Reading a FIFO it
 * left (with no writer, as it has exited) blocked evolve for ever, past every generator limit.
 */
function notRegular(path: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return undefined; // missing: the readers say so
  }
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'a device';
}

function lastLine(stderr: string): string {
  const line = stderr.trim().split('\n').pop()?.trim();
  return line ? `: ${line.slice(0, 300)}` : '';
}

function bad(reason: string): OutputVerdict {
  return { ok: false, reason };
}
