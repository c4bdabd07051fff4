import { lstatSync } from 'node:fs';
import { dirname } from 'node:path';
import { sha256 } from '../canonical/digest.js';
import { AosError } from '../cli-kit/errors.js';
import { createNewFile } from '../adapters/fs-safe.js';
import { makeDirs } from '../adapters/make-dirs.js';
import { isInsideDir, lexicalAbsolute, resolvedPath, sameFile, symlinkComponent } from '../adapters/path-checks.js';
import { pseudoFileSystemProblem } from '../adapters/pseudo-fs.js';
import type { EvidenceBundle } from '../schemas/evidence.js';
import { ledgerLikeName } from '../ledger/ledger-names.js';
import { checkBundle } from './assemble.js';

/**
 * The ONE evidence-sidecar policy, shared by mutation-runner (verify, promote, install-*) and
 * mutation-journal (organ review, organ suggest). The reference had two divergent guards (one
 * warned and continued, one failed at write time); this one refuses BEFORE the command does any
 * work, with exit 2, and writes create-new only.
 *
 * The path is made absolute against the working directory and `.`/`..` are removed lexically
 * (so `link/../safe/x` is `<cwd>/safe/x`, never a path through `link`). It is refused when:
 *   - it is on a kernel pseudo-file system (/proc, /sys: see adapters/pseudo-fs.ts);
 *   - any existing component of it is a symlink;
 *   - it names an input or journal: the same lexical path, the same path once symlinks in the
 *     input's spelling are resolved (an alias), or the same file by device+inode (a hard link);
 *   - it lies under an input path (even a missing one: a directory would be created where the
 *     input file belongs), or it is an ancestor of one;
 *   - it lies inside the target root or a forbidden directory (candidate worktree), lexically or
 *     through symlinks;
 *   - it already exists (file, directory, symlink), or an existing ancestor is not a directory.
 */
export interface SidecarGuard {
  /** Files the command reads or journals into (ledgers, plan, registry, proposal, patch). */
  inputs: string[];
  /** P3: the install target root. */
  targetRoot?: string | undefined;
  /** Other directories the sidecar must stay out of (the candidate worktree, its parent). */
  forbiddenDirs?: string[] | undefined;
  /** Base for relative paths; defaults to process.cwd(). */
  cwd?: string | undefined;
}

export interface SidecarTarget {
  /** Absolute, lexically normalized path that will be created. */
  readonly path: string;
  /** The path as the user gave it. */
  readonly requested: string;
  readonly guard: SidecarGuard;
}

export interface WrittenSidecar {
  path: string;
  sha256: string;
  bytes: number;
}

const HINT =
  'Evidence bundles are create-new only: pass a new path (for example memory/evidence/<id>.json) that is not a journal or input, ' +
  'not inside the candidate worktree or target root, and has no symlink in it.';

/**
 * Checks a requested sidecar path before any work; undefined when no sidecar was asked for.
 * Refusal: AosError exit 2. Its missing parent directories are created here, not after the
 * command's work: only mkdir itself can tell that a directory cannot be made there (under /proc
 * every check passes, and the bundle could otherwise only fail once the work was journaled).
 */
export function prepareSidecar(path: string | undefined, guard: SidecarGuard): SidecarTarget | undefined {
  if (path === undefined) return undefined;
  if (path.trim() === '') throw refusal(path, 'is empty', 2);
  const abs = lexicalAbsolute(path, guard.cwd);
  const shown = path === abs ? path : `${path} (${abs})`;
  const problem = sidecarProblem(abs, guard);
  if (problem) throw refusal(shown, problem, 2);
  try {
    makeDirs(dirname(abs));
  } catch (e) {
    throw refusal(shown, `cannot be written: ${(e as Error).message}`, 2);
  }
  return { path: abs, requested: path, guard };
}

/**
 * Writes the bundle (pretty JSON plus a newline) with exclusive create, after validating it
 * against the EvidenceBundle schema and re-checking the path (the tree may have changed while
 * the command ran). Missing parent directories are created. Failures here come after the
 * command's own work and exit 1.
 */
export function writeSidecar(target: SidecarTarget, bundle: EvidenceBundle): WrittenSidecar {
  checkBundle(bundle);
  const problem = sidecarProblem(target.path, target.guard);
  if (problem) throw refusal(target.requested, `${problem} (it changed while the command ran)`, 1);
  const text = `${JSON.stringify(bundle, null, 2)}\n`;
  try {
    makeDirs(dirname(target.path));
  } catch (e) {
    throw new AosError('sidecar-write-failed', `cannot create the directory of evidence bundle ${target.path}`, { hint: HINT, cause: e });
  }
  createNewFile(target.path, text);
  return { path: target.path, sha256: sha256(text), bytes: Buffer.byteLength(text) };
}

/** The first reason `abs` is not an acceptable sidecar, or undefined. */
function sidecarProblem(abs: string, guard: SidecarGuard): string | undefined {
  const pseudo = pseudoFileSystemProblem(abs);
  if (pseudo) return `${pseudo}; write it to a regular directory`;
  const link = symlinkComponent(abs);
  if (link) return `traverses a symlink at ${link}`;
  for (const input of guard.inputs) {
    const problem = inputProblem(abs, input, guard.cwd);
    if (problem) return problem;
  }
  if (guard.targetRoot !== undefined && isInsideDir(abs, guard.targetRoot, guard.cwd)) {
    return `is inside the target root ${lexicalAbsolute(guard.targetRoot, guard.cwd)}`;
  }
  for (const dir of guard.forbiddenDirs ?? []) {
    if (isInsideDir(abs, dir, guard.cwd)) return `is inside ${lexicalAbsolute(dir, guard.cwd)}, where evidence must not be written`;
  }
  // A ledger not created yet (memory/effects.jsonl before the first install) is no input of the
  // command, so the checks above let a bundle become it, and every later append was refused.
  const ledgerLike = ledgerLikeName(abs);
  if (ledgerLike) return `is named like a ledger or a file kept beside one (${ledgerLike}); name a new .json file`;
  return existenceProblem(abs);
}

function inputProblem(abs: string, input: string, cwd: string | undefined): string | undefined {
  const lexical = lexicalAbsolute(input, cwd);
  const real = resolvedPath(lexical);
  if (abs === lexical || abs === real || sameFile(abs, lexical)) return `must not overwrite input source ${lexical}`;
  if (isInsideDir(abs, lexical) || isInsideDir(abs, real)) return `lies under input source ${lexical}, which is a file`;
  if (isInsideDir(lexical, abs) || isInsideDir(real, abs)) return `is a directory of input source ${lexical}`;
  return undefined;
}

function existenceProblem(abs: string): string | undefined {
  try {
    lstatSync(abs);
    return 'already exists';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return `cannot be used (${code})`;
  }
  for (let dir = dirname(abs); ; dir = dirname(dir)) {
    try {
      if (!lstatSync(dir).isDirectory()) return `needs ${dir} to be a directory, but it is a file`;
      return undefined;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

function refusal(requested: string, problem: string, exit: 1 | 2): AosError {
  return new AosError('sidecar-refused', `evidence bundle path ${requested} ${problem}`, { hint: HINT, exit });
}
