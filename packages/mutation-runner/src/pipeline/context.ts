import { existsSync, realpathSync, statSync, type Stats } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { CANDIDATE_GIT_ENV, cleanEnv, isInsideDir, lookupFailure, MAX_SETTINGS_FILE_BYTES, type NixPassThrough, readBoundedFile, readFailure } from '@autopoietic/core/adapters';
import { firstDuplicateKey } from '@autopoietic/core/canonical';
import { AosError, usageError } from '@autopoietic/core/cli-kit';
import { resolveGenomeRoot, resolveMemoryDir } from '@autopoietic/core/ledger';
import { duplicateKeyProblem, loadHostPolicy, requireMode, requireTrustedPolicy, type LoadedHostPolicy } from '@autopoietic/core/policy';
import { HostPolicy, type AutonomyMode } from '@autopoietic/core/schemas';
import { clampTimeout, DEFAULT_TIMEOUT_SECONDS, type TimeoutPolicy } from '../checks/plan.js';
import { terminalProgress, type ProgressReporter } from '../checks/progress.js';
import { relativeInside } from '../candidate/exclusions.js';
import { defaultProtectedRules, protectedRuleProblem, type ProtectedRule } from '../patch/protected.js';

/**
 * Everything a gate needs to know before it reads a proposal: the genome root, the memory
 * directory, the operator's policy (host policy file plus an optional --policy file), and how
 * checks run (jobs, fail-fast, timeouts, Nix pass-through, progress). The autonomy mode is
 * enforced here, first: a refused gate exits 1 and journals nothing.
 */
export interface GateFlags {
  root?: string | undefined;
  memoryDir?: string | undefined;
  etcDir?: string | undefined;
  policy?: string | undefined;
  workDir?: string | undefined;
  keepWorktree?: boolean | undefined;
  jobs?: number | undefined;
  failFast?: boolean | undefined;
  timeout?: number | undefined;
  nixOption?: string[] | undefined;
  builders?: string | undefined;
  progress?: boolean | undefined;
  cwd?: string | undefined;
}

export interface OperatorPolicy {
  operatorChecks: NonNullable<HostPolicy['operator_checks']>;
  protectedRules: ProtectedRule[];
  timeouts: TimeoutPolicy;
}

export interface GateContext {
  cwd: string;
  root: string;
  memoryDir: string;
  host: LoadedHostPolicy;
  policy: OperatorPolicy;
  jobs: number;
  failFast: boolean;
  keepWorktree: boolean;
  workDir: string | undefined;
  pass: NixPassThrough;
  /** Environment of every check: cleaned (see cleanEnv), without a git file-system monitor (CANDIDATE_GIT_ENV). */
  checkEnv: NodeJS.ProcessEnv;
  progress: ProgressReporter | undefined;
}

export function gateContext(flags: GateFlags, minimum: AutonomyMode, action: string): GateContext {
  const cwd = flags.cwd ?? process.cwd();
  const host = loadHostPolicy({ etcDir: flags.etcDir, cwd });
  requireMode(host, minimum, action);
  const root = canonicalRoot(resolveGenomeRoot({ root: flags.root, cwd }));
  const memoryDir = resolveMemoryDir({ root, memoryDir: flags.memoryDir, etcDir: flags.etcDir, cwd }).dir;
  const extra = flags.policy === undefined ? undefined : loadPolicyFile(resolve(cwd, flags.policy), root);
  checkProtectedRules(host, extra, flags.policy === undefined ? undefined : resolve(cwd, flags.policy));
  const merged = mergePolicy(host.policy, extra, flags.timeout, relativeInside(root, memoryDir));
  const progress = flags.progress ?? process.stderr.isTTY === true;
  return {
    cwd,
    root,
    memoryDir,
    host,
    policy: merged,
    jobs: flags.jobs ?? availableParallelism(),
    failFast: flags.failFast === true,
    keepWorktree: flags.keepWorktree === true,
    workDir: flags.workDir,
    pass: nixPassThrough(flags.nixOption ?? [], flags.builders),
    checkEnv: cleanEnv(process.env, CANDIDATE_GIT_ENV),
    progress: progress ? terminalProgress() : undefined,
  };
}

function canonicalRoot(root: string): string {
  let st: Stats;
  try {
    st = statSync(root);
  } catch {
    throw usageError('root-missing', `genome root ${root} does not exist`, 'Pass --root with the directory that holds the genome (its flake.nix).');
  }
  if (!st.isDirectory()) throw usageError('root-not-directory', `genome root ${root} is not a directory`, 'Pass --root with a directory.');
  // A genome is a flake: without flake.nix every Nix check fails, and the gate would journal that
  // as the proposal's fault (in a memory/ made in whatever directory this was).
  if (!existsSync(join(root, 'flake.nix'))) {
    throw usageError('root-not-a-flake', `genome root ${root} holds no flake.nix`, 'Pass --root with the directory that holds the genome\'s flake.nix, or run the command from inside the genome.');
  }
  return realpathSync(root);
}

/** Parses `NAME=VALUE` pass-through options for Nix. */
export function nixPassThrough(options: string[], builders: string | undefined): NixPassThrough {
  const pairs = options.map((o): [string, string] => {
    const eq = o.indexOf('=');
    if (eq <= 0) throw usageError('nix-option-invalid', `--nix-option ${JSON.stringify(o)} is not NAME=VALUE`, 'Write it like --nix-option max-jobs=4.');
    return [o.slice(0, eq), o.slice(eq + 1)];
  });
  return { options: pairs, ...(builders !== undefined ? { builders } : {}) };
}

const ExtraPolicy = HostPolicy.omit({ mode: true, memory_dir: true }).partial();

/**
 * The --policy file: operator checks, protected paths and timeouts; never the mode. Its
 * operator_checks run exactly as written, so it is refused where anyone but the operator could
 * change it: inside the genome (a proposal), or where another local user could (the host
 * policy's rule: a root-run verify would run that user's commands as root).
 */
function loadPolicyFile(file: string, root: string): ReturnType<typeof ExtraPolicy.parse> {
  const lookup = lookupFailure(file);
  if (lookup?.code === 'ENOENT') throw usageError('policy-missing', `policy file ${file} does not exist`, 'Pass --policy with an existing JSON file.');
  if (lookup !== undefined) throw usageError('policy-unreadable', `cannot read policy file ${file}: ${readFailure(lookup)}`, 'Pass --policy with a readable JSON file.');
  if (isInsideDir(file, root)) {
    throw usageError('policy-inside-genome', `policy file ${file} is inside the genome ${root}, where a proposal could change it`, 'Keep operator policy outside the genome (for example in /etc/autopoietic).');
  }
  requireTrustedPolicy(file, {
    code: 'policy-untrusted',
    exit: 2,
    subject: `policy file ${file} (--policy) could have been written by another user`,
    why: 'Its operator_checks run exactly as written, as the user running this command',
    like: 'git with a repository another user owns (safe.directory)',
    extraHint: 'Or pass --policy a file that only root and you can change.',
  });
  const read = readBoundedFile(file, MAX_SETTINGS_FILE_BYTES);
  if (!read.ok) throw usageError('policy-unreadable', `cannot read policy file ${file}: ${readFailure(read)}`, 'Pass --policy with a readable JSON file.');
  let raw: unknown;
  try {
    raw = JSON.parse(read.bytes.toString('utf8'));
  } catch (e) {
    throw usageError('policy-invalid', `policy file ${file} is not valid JSON: ${(e as Error).message}`, 'Fix the JSON syntax.');
  }
  // As in the host policy: JSON.parse keeps the last of two "protected_paths", a reviewer's tool may show the first.
  const duplicate = firstDuplicateKey(read.bytes.toString('utf8'));
  if (duplicate !== undefined) {
    throw usageError('policy-invalid', `policy file ${file} is invalid: ${duplicateKeyProblem(duplicate)}`, 'Give each key once.');
  }
  const parsed = ExtraPolicy.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`).join('; ');
    throw usageError('policy-invalid', `policy file ${file} is invalid: ${issues}`, 'It may hold operator_checks, protected_paths, default_timeout_seconds and check_timeouts; the mode and memory_dir come only from the host policy.');
  }
  return parsed.data;
}

/** A protected_paths rule that can match nothing is refused before any work, not silently kept. */
function checkProtectedRules(host: LoadedHostPolicy, extra: ReturnType<typeof ExtraPolicy.parse> | undefined, policyFlag: string | undefined): void {
  const hint = 'Write each rule relative to the genome root, without ./, //, .. or a leading / (for example "flake.lock", "secrets" or "hosts/*/hardware.nix").';
  for (const pattern of host.policy?.protected_paths ?? []) {
    const problem = protectedRuleProblem(pattern);
    if (problem !== undefined) throw new AosError('host-policy-invalid', `host policy ${host.file} is invalid: ${problem}`, { hint, details: { file: host.file, pattern } });
  }
  for (const pattern of extra?.protected_paths ?? []) {
    const problem = protectedRuleProblem(pattern);
    if (problem !== undefined) throw usageError('policy-invalid', `policy file ${policyFlag} is invalid: ${problem}`, hint);
  }
}

function mergePolicy(host: HostPolicy | undefined, extra: ReturnType<typeof ExtraPolicy.parse> | undefined, timeoutFlag: number | undefined, memoryDirRel: string | undefined): OperatorPolicy {
  const operatorChecks = [...(host?.operator_checks ?? []), ...(extra?.operator_checks ?? [])];
  const names = new Set<string>();
  for (const c of operatorChecks) {
    if (names.has(c.name)) throw new AosError('policy-invalid', `operator check ${JSON.stringify(c.name)} is defined twice (host policy and --policy)`, { hint: 'Give every operator check a unique name.' });
    names.add(c.name);
  }
  return {
    operatorChecks,
    protectedRules: defaultProtectedRules({ policy: host?.protected_paths ?? [], policyFile: extra?.protected_paths ?? [], memoryDirRel }),
    timeouts: {
      base: clampTimeout(timeoutFlag ?? extra?.default_timeout_seconds ?? host?.default_timeout_seconds ?? DEFAULT_TIMEOUT_SECONDS),
      byName: { ...(host?.check_timeouts ?? {}), ...(extra?.check_timeouts ?? {}) },
    },
  };
}
