import { existsSync, lstatSync, readlinkSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { resolvedPath } from '../adapters/path-checks.js';
import { pseudoFileSystemProblem } from '../adapters/pseudo-fs.js';
import { AosError } from '../cli-kit/errors.js';
import { HOST_POLICY_FILE, readHostPolicyFile } from '../policy/host-policy-file.js';
import { LEDGERS, type LedgerKind } from '../schemas/ledgers.js';

/**
 * The one place that decides where things live.
 *
 * Genome root: `--root` when given, otherwise the nearest ancestor of the working directory that
 * holds a `flake.nix` (like git finds its repository), otherwise the working directory.
 *
 * Memory directory, first match wins:
 *   1. `--memory-dir`
 *   2. `AUTOPOIETIC_MEMORY_DIR`
 *   3. `memory_dir` in the host policy file (`<etc-dir>/mutation-runner.json`), on a managed host
 *   4. `<genome root>/memory`
 * An explicit per-ledger flag (`--path`, `--journal`, ...) beats all of these for that ledger.
 * Relative flag values are resolved against the working directory once, here. The memory
 * directory's symlinks are resolved too: its real location is what every record and log line
 * shows, and what the candidate exclusions compare with the genome root (a memory directory
 * reached through a link into the genome is still seen inside it).
 *
 * Ledgers never sit at the genome root (see checkMemoryPlacement).
 */
export const DEFAULT_ETC_DIR = '/etc/autopoietic';

export interface PathOptions {
  root?: string | undefined;
  memoryDir?: string | undefined;
  etcDir?: string | undefined;
  cwd?: string | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

export function resolveEtcDir(opts: PathOptions = {}): string {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  if (opts.etcDir !== undefined) return resolve(cwd, nonBlank(opts.etcDir, '--etc-dir'));
  // An empty variable counts as unset, as AUTOPOIETIC_MEMORY_DIR does (not as the working directory).
  return resolve(cwd, env.AUTOPOIETIC_ETC_DIR ? nonBlank(env.AUTOPOIETIC_ETC_DIR, 'AUTOPOIETIC_ETC_DIR') : DEFAULT_ETC_DIR);
}

/**
 * A place given as '' or blanks is refused (exit 2): resolved against the working directory it
 * was the working directory itself (or a directory named ' '), where ledgers, logs and caches
 * were written and a host policy was read, unasked. An empty variable is unset, as in a shell.
 */
function nonBlank(value: string, name: string): string {
  if (value.trim() !== '') return value;
  const flag = name.startsWith('--');
  throw new AosError('flag-blank', `${name} must not be ${flag ? 'empty' : 'blank'}`, {
    exit: 2,
    hint: flag ? `Give ${name} a path, or leave it out for the default.` : `Set ${name} to a path, or unset it for the default.`,
  });
}

export function findGenomeRoot(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, 'flake.nix'))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function resolveGenomeRoot(opts: PathOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.root !== undefined) return resolve(cwd, nonBlank(opts.root, '--root'));
  return findGenomeRoot(cwd) ?? resolve(cwd);
}

export interface ResolvedMemoryDir {
  dir: string;
  source: 'flag' | 'env' | 'host-policy' | 'genome-root';
}

const SOURCE_NAMES: Record<ResolvedMemoryDir['source'], string> = {
  flag: '--memory-dir',
  env: 'AUTOPOIETIC_MEMORY_DIR',
  'host-policy': 'memory_dir of the host policy',
  'genome-root': 'the default',
};

export function resolveMemoryDir(opts: PathOptions = {}): ResolvedMemoryDir {
  const chosen = chooseMemoryDir(opts);
  const resolved = { dir: resolvedPath(chosen.dir), source: chosen.source };
  checkMemoryKind(chosen);
  checkMemoryPlacement(resolved, opts);
  return resolved;
}

/**
 * The memory directory is a directory, or nothing yet (it is created on the first write). Anything
 * else is refused here, before any work: a file there failed only at the first write (verify ran
 * all its checks first), and a reading command reported every ledger "broken" or, through a
 * link to nothing, read no ledgers at all and said so with exit 0.
 */
function checkMemoryKind(chosen: ResolvedMemoryDir): void {
  const exit = chosen.source === 'host-policy' ? 1 : 2;
  const why = memoryKindProblem(chosen.dir);
  if (why !== undefined) {
    throw new AosError('memory-dir-not-a-directory', `the memory directory ${chosen.dir} (${SOURCE_NAMES[chosen.source]}) ${why}`, {
      exit,
      hint: 'Name a directory, or a path where one can be created (a missing memory directory is created on the first write).',
    });
  }
  // /proc, /sys and the like: no ledger can be made there, and a reading command read none and
  // exited 0. Checked here, for every source of the memory directory alike.
  const pseudo = pseudoFileSystemProblem(chosen.dir);
  if (pseudo === undefined) return;
  const named = chosen.source === 'flag' ? `--memory-dir ${chosen.dir}` : `the memory directory ${chosen.dir} (${SOURCE_NAMES[chosen.source]})`;
  throw new AosError('directory-on-pseudo-fs', `${named} ${pseudo}`, { exit, hint: ON_A_DISK[chosen.source] });
}

const ON_A_DISK: Record<ResolvedMemoryDir['source'], string> = {
  flag: 'Give --memory-dir a directory on a disk or a tmpfs, or leave it out for the default (see README "Ledgers").',
  env: 'Point AUTOPOIETIC_MEMORY_DIR at a directory on a disk or a tmpfs, or unset it for the default.',
  'host-policy': 'Set memory_dir in the host policy to a directory on a disk or a tmpfs.',
  'genome-root': 'Run in a genome on a disk or a tmpfs, or give --memory-dir a directory there.',
};

function memoryKindProblem(dir: string): string | undefined {
  let code: string | undefined;
  try {
    const st = statSync(dir);
    if (st.isDirectory()) return undefined;
    return st.isFile() ? 'is a file, not a directory' : 'is not a directory (a device, FIFO or socket)';
  } catch (e) {
    code = (e as NodeJS.ErrnoException).code;
  }
  if (code === 'ELOOP') return 'is a symbolic link that leads back to itself';
  if (code === 'ENOTDIR') return `lies under ${firstNonDirectory(dir)}, which is not a directory`;
  if (code !== 'ENOENT') return undefined; // EACCES and the like: the read or write that needs it says so
  try {
    if (lstatSync(dir).isSymbolicLink()) return `is a symbolic link to ${readlinkSync(dir)}, which does not exist`;
  } catch {
    /* nothing there yet: created on the first write */
  }
  return undefined;
}

/** The deepest existing ancestor of `dir`, which is not a directory when stat says ENOTDIR. */
function firstNonDirectory(dir: string): string {
  let cur = dirname(dir);
  while (!existsSync(cur) && dirname(cur) !== cur) cur = dirname(cur);
  return cur;
}

function chooseMemoryDir(opts: PathOptions): ResolvedMemoryDir {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  if (opts.memoryDir !== undefined) return { dir: resolve(cwd, nonBlank(opts.memoryDir, '--memory-dir')), source: 'flag' };
  if (env.AUTOPOIETIC_MEMORY_DIR) return { dir: resolve(cwd, nonBlank(env.AUTOPOIETIC_MEMORY_DIR, 'AUTOPOIETIC_MEMORY_DIR')), source: 'env' };
  const fromPolicy = policyMemoryDir(opts);
  if (fromPolicy !== undefined) return { dir: fromPolicy, source: 'host-policy' };
  return { dir: join(resolveGenomeRoot(opts), 'memory'), source: 'genome-root' };
}

/** memory_dir of the host policy, which is checked whole first: a damaged policy is refused, not half-trusted. */
function policyMemoryDir(opts: PathOptions): string | undefined {
  const file = join(resolveEtcDir(opts), HOST_POLICY_FILE);
  return readHostPolicyFile(file, 'A command that only needs the memory directory runs without it when given --memory-dir or AUTOPOIETIC_MEMORY_DIR.')?.memory_dir;
}

/**
 * The one placement rule: the memory directory is not the genome root. There its ledgers and
 * logs/, evidence/ and cache/ would be genome files: every verify copied the last run's logs
 * into its candidate, so the root fingerprint changed with each run and promote never matched
 * the P1 record; os-introspect wrote its cache into the genome, and evolve's live-genome check
 * took the loop's own log for a change. A memory directory below the root is fine (candidates
 * leave its ledgers and those directories out), as is one outside.
 *
 * The root is the one the command works on: --root, or the nearest directory holding flake.nix.
 * With neither there is no genome to protect (mutation-journal in a plain directory).
 */
export function checkMemoryPlacement(memory: ResolvedMemoryDir, opts: PathOptions = {}): void {
  const cwd = opts.cwd ?? process.cwd();
  const root = opts.root !== undefined ? resolveGenomeRoot(opts) : findGenomeRoot(cwd);
  if (root === undefined || resolvedPath(root) !== memory.dir) return;
  throw new AosError('memory-dir-is-genome-root', `the memory directory ${memory.dir} (${SOURCE_NAMES[memory.source]}) is the genome root ${root}`, {
    exit: memory.source === 'host-policy' ? 1 : 2,
    hint: 'Keep the ledgers out of the genome root: leave the memory directory at its default (<genome>/memory), or name a directory outside the genome. Nothing was read or written.',
  });
}

/**
 * Path of one ledger: the explicit flag when given (made absolute, links kept: commands that
 * refuse a linked ledger path, like install-plan --record, must still see the link), otherwise
 * `<memory dir>/<default file>`.
 */
export function ledgerPath(kind: LedgerKind, explicit: string | undefined, opts: PathOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  if (explicit !== undefined) return resolve(cwd, explicit);
  return join(resolveMemoryDir(opts).dir, LEDGERS[kind].file);
}

export const CHECKPOINT_SUFFIX = '.checkpoint.json';

/** The default checkpoint file of a ledger (`ledger checkpoint` writes it, `verify` reads it). */
export function checkpointPathFor(ledger: string): string {
  return `${ledger}${CHECKPOINT_SUFFIX}`;
}

/** Extra ledger files that are not in LEDGERS' record registry but live in the memory dir. */
export const MEMORY_SUBDIRS = { logs: 'logs', evidence: 'evidence', cache: 'cache' } as const;
