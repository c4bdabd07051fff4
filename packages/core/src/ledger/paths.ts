import { existsSync } from 'node:fs';
import { MAX_SETTINGS_FILE_BYTES, readBoundedFile } from '../adapters/bounded-read.js';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { AosError } from '../cli-kit/errors.js';
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
 * Relative flag values are resolved against the working directory once, here, and the
 * absolute result is what every record and log line shows.
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
  // An empty variable counts as unset, as AUTOPOIETIC_MEMORY_DIR does (not as the working directory).
  return resolve(cwd, opts.etcDir ?? (env.AUTOPOIETIC_ETC_DIR || DEFAULT_ETC_DIR));
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
  if (opts.root !== undefined) return resolve(cwd, opts.root);
  return findGenomeRoot(cwd) ?? resolve(cwd);
}

export interface ResolvedMemoryDir {
  dir: string;
  source: 'flag' | 'env' | 'host-policy' | 'genome-root';
}

export function resolveMemoryDir(opts: PathOptions = {}): ResolvedMemoryDir {
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  if (opts.memoryDir !== undefined) return { dir: resolve(cwd, opts.memoryDir), source: 'flag' };
  if (env.AUTOPOIETIC_MEMORY_DIR) return { dir: resolve(cwd, env.AUTOPOIETIC_MEMORY_DIR), source: 'env' };
  const fromPolicy = readPolicyMemoryDir(join(resolveEtcDir(opts), 'mutation-runner.json'));
  if (fromPolicy !== undefined) return { dir: fromPolicy, source: 'host-policy' };
  return { dir: join(resolveGenomeRoot(opts), 'memory'), source: 'genome-root' };
}

/** Path of one ledger: the explicit flag when given, otherwise `<memory dir>/<default file>`. */
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

function readPolicyMemoryDir(file: string): string | undefined {
  const read = readBoundedFile(file, MAX_SETTINGS_FILE_BYTES);
  if (!read.ok) return undefined; // the gates, which load the policy whole, say what is wrong
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.bytes.toString('utf8'));
  } catch (e) {
    throw new AosError('host-policy-invalid', `host policy ${file} is not valid JSON`, {
      hint: 'Fix the file (it is written by the autopoietic NixOS module) or point --etc-dir elsewhere.',
      cause: e,
    });
  }
  const dir = (parsed as { memory_dir?: unknown }).memory_dir;
  if (dir === undefined) return undefined;
  if (typeof dir !== 'string' || !isAbsolute(dir)) {
    throw new AosError('host-policy-invalid', `host policy ${file}: memory_dir must be an absolute path`, {
      hint: 'Set autopoietic.memory.dir to an absolute path.',
    });
  }
  return dir;
}
