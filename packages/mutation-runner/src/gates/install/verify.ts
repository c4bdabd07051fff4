import { realpathSync, statSync } from 'node:fs';
import { canonicalJson, nowRfc3339, sha256 } from '@autopoietic/core/canonical';
import { SCHEMA_VERSION, type GenerationRecord, type InstallSeedFilePlan, type InstallVerifyFile, type InstallVerifyOutput } from '@autopoietic/core/schemas';
import { parseJsonLines, withoutChain } from './ledger-seed.js';
import { installVerifyBundle, prepareSidecar, rawRef, writeSidecar } from '@autopoietic/core/evidence';
import { readPlanFile, type LoadedPlan } from './plan-file.js';
import { checkReportOutput, writeReport } from './report-file.js';
import { checkMode, permissionBits } from './seed-mode.js';
import { allowedOwners, ownerProblem } from './seed-owner.js';
import { SEED_SOURCES } from './seeds.js';
import { readSeedFile, type SeedRead } from './target-fs.js';

/**
 * install-verify (design inventory 3.7): read-only. Each seed file is read safely under the
 * target root and its sha256 compared with the manifest, its permission bits with the
 * manifest's mode when it gives one (seed-mode.ts), and its owner with root and the target root's
 * owner (seed-owner.ts); the installed lineage ledger must hold the plan's generation record
 * (ADR 0014's mutation <-> generation correspondence).
 */

type Lineage = NonNullable<InstallVerifyOutput['lineage']>;

/** The target root's real path and owner, or why it cannot be used. */
function realRoot(root: string): { path?: string; uid?: number; problem?: string } {
  try {
    const path = realpathSync(root);
    const st = statSync(path);
    return st.isDirectory() ? { path, uid: st.uid } : { problem: `target root ${root} is not a directory` };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? {} : { problem: `cannot resolve target root ${root}: ${code ?? (e as Error).message}` };
  }
}

/** One seed file's report; `allowed` is who may own it (seed-owner.ts). Pure. */
export function fileReport(f: InstallSeedFilePlan, read: SeedRead, allowed: readonly number[]): InstallVerifyFile {
  const base = { installed_path: f.installed_path, target_path: f.target_path, expected_sha256: f.content_sha256 };
  if (read.status === 'missing') return { ...base, status: 'missing', reason: 'target file is missing' };
  if (read.status === 'error') return { ...base, status: 'error', reason: read.reason };
  const actual = sha256(read.bytes);
  const modes: Pick<InstallVerifyFile, 'expected_mode' | 'actual_mode'> =
    f.mode === undefined ? {} : { expected_mode: permissionBits(Number.parseInt(f.mode, 8)), actual_mode: permissionBits(read.stat.mode) };
  const via = read.resolvedPath ? { resolved_path: read.resolvedPath } : {};
  const through = read.resolvedPath ? ' (through a symlink inside the target root)' : '';
  const report = { ...base, actual_sha256: actual, ...modes, allowed_uids: [...allowed], actual_uid: read.stat.uid };
  if (actual !== f.content_sha256) return { ...report, status: 'mismatched', reason: `content hash did not match install seed manifest${through}`, ...via };
  const mode = modes.expected_mode === undefined ? undefined : checkMode(modes.expected_mode, read.stat.mode, read.resolvedPath !== undefined);
  const problems = [
    ...(mode?.status === 'mismatched' ? [`mode ${modes.actual_mode} differs from the manifest's ${modes.expected_mode}`] : []),
    ...[ownerProblem(read.stat.uid, allowed, read.resolvedPath ?? f.target_path)].filter((p) => p !== undefined),
  ];
  if (problems.length > 0) return { ...report, status: 'mismatched', reason: `content hash matched${through}, but ${problems.join('; and ')}`, ...via };
  if (mode === undefined) return { ...report, status: 'matched', reason: `content hash matched${through}`, ...via };
  const reason =
    mode.status === 'matched' && mode.stricter
      ? `content hash matched${through}; mode ${modes.actual_mode} grants nothing beyond the manifest's ${modes.expected_mode}`
      : `content hash and mode ${modes.expected_mode} matched${through}`;
  return { ...report, status: 'matched', reason, ...via };
}

/** Whether the installed lineage ledger (the generations seed) holds the plan's generation record. */
export function checkLineage(generation: GenerationRecord, ledgerPath: string | undefined, read: SeedRead | undefined): Lineage {
  if (ledgerPath === undefined || read === undefined) return { status: 'error', reason: 'the plan has no lineage seed (evidence:p3-generation-lineage-record)' };
  if (read.status === 'missing') return { status: 'missing', reason: `the installed lineage ledger ${ledgerPath} is missing` };
  if (read.status === 'error') return { status: 'error', reason: read.reason };
  let lines: { line: number; value: unknown }[];
  try {
    lines = parseJsonLines(read.bytes.toString('utf8'), ledgerPath);
  } catch (e) {
    return { status: 'error', reason: (e as Error).message };
  }
  const want = canonicalJson(withoutChain(generation));
  let sameLabel: number | undefined;
  for (const { line, value } of lines) {
    if (typeof value !== 'object' || value === null) continue;
    const rec = value as Partial<GenerationRecord>;
    if (canonicalJson(withoutChain(rec)) === want) return { status: 'matched', reason: `${ledgerPath}:${line} holds planned generation ${generation.generation}` };
    if (rec.generation === generation.generation && rec.promotion_id === generation.promotion_id) sameLabel ??= line;
  }
  if (sameLabel !== undefined) {
    return { status: 'mismatched', reason: `${ledgerPath}:${sameLabel} names generation ${generation.generation} of promotion ${generation.promotion_id ?? ''} but differs from the plan's record` };
  }
  return { status: 'missing', reason: `${ledgerPath} does not contain planned generation ${generation.generation} (mutation ${generation.mutation_id})` };
}

export function verifyInstall(loaded: LoadedPlan, now: Date = new Date()): InstallVerifyOutput {
  const m = loaded.plan.seed_manifest;
  const root = realRoot(m.target_root);
  const reads = m.files.map((f): SeedRead => {
    if (root.problem) return { status: 'error', reason: root.problem };
    if (!root.path) return { status: 'missing' };
    return readSeedFile(root.path, f.installed_path);
  });
  const allowed = allowedOwners(root.uid ?? 0);
  const files = m.files.map((f, i) => fileReport(f, reads[i]!, allowed));
  const lineageIndex = m.files.findIndex((f) => f.source === SEED_SOURCES.generation);
  const lineage = checkLineage(loaded.plan.generation, m.files[lineageIndex]?.target_path, reads[lineageIndex]);
  return {
    schema_version: SCHEMA_VERSION,
    verified_at: nowRfc3339(now),
    target_root: m.target_root,
    mutation_id: m.mutation_id,
    promotion_id: m.promotion_id,
    generation: loaded.plan.generation.generation,
    all_matched: files.every((f) => f.status === 'matched') && lineage.status === 'matched',
    files,
    lineage,
  };
}

export interface VerifyOptions {
  plan: string;
  evidenceBundle?: string | undefined;
  /** Keep the report in this file (atomically replaced); the bundle then cites it. */
  output?: string | undefined;
  cwd?: string | undefined;
}

/**
 * install-verify as a command: read and check the plan, check --output and the sidecar, verify,
 * keep the report in --output, then write the sidecar, whose input is that file when there is one.
 */
export async function verifyPlanFile(opts: VerifyOptions): Promise<InstallVerifyOutput> {
  const cwd = opts.cwd ?? process.cwd();
  const loaded = readPlanFile(opts.plan, cwd);
  const targetRoot = loaded.plan.seed_manifest.target_root;
  const output = opts.output === undefined ? undefined : checkReportOutput(opts.output, cwd, { file: loaded.file, targetRoot });
  const sidecar = prepareSidecar(opts.evidenceBundle, { inputs: [loaded.file, ...(output ? [output] : [])], targetRoot, cwd });
  const out = verifyInstall(loaded);
  if (output) await writeReport(output, out);
  if (sidecar) {
    writeSidecar(sidecar, installVerifyBundle(out, rawRef('install-verify-output', output ?? 'mutation-runner install-verify output', out), {
      plan: loaded.plan,
      planRaw: rawRef('install-plan-output', loaded.file, loaded.plan),
    }));
  }
  return out;
}
