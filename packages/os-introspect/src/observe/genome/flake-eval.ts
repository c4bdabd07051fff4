import { captureCommand, cleanEnv, describeOutcome, flakePathProblem, gitEnv, NIX_FEATURE_FLAGS, succeeded, unsafeRepositoryError } from '@autopoietic/core/adapters';
import { shellQuote } from '@autopoietic/core/cli-kit';
import type { FlakeOutputDecl } from '@autopoietic/core/nix-syntax';
import { PER_SYSTEM_CATEGORIES } from '@autopoietic/core/nix-syntax';

/**
 * `--eval`: ask Nix which outputs the flake really has (`nix flake show --json`), and mark each
 * output read from flake.nix as evaluated or parsed-only. Outputs whose names are computed show
 * up only here ("eval-only").
 */
export interface EvaluatedOutput {
  category: string;
  system: string | null;
  name: string | null;
  type: string;
}

export type FlakeShow = { ok: true; outputs: EvaluatedOutput[]; command: string } | { ok: false; reason: string; command: string };

const TIMEOUT_MS = 180_000;

export async function flakeShow(root: string, env: NodeJS.ProcessEnv = nixEnv()): Promise<FlakeShow> {
  const args = [...NIX_FEATURE_FLAGS, 'flake', 'show', '--json', '--no-write-lock-file', root];
  const command = `nix ${args.map(shellQuote).join(' ')}`;
  const unusable = flakePathProblem(root);
  if (unusable) return { ok: false, reason: `${unusable}; nix flake show was not run (move the genome to a path without them to evaluate it)`, command };
  const r = await captureCommand({ command: 'nix', args, cwd: root, env, timeoutMs: TIMEOUT_MS });
  if (!succeeded(r)) {
    const err = r.stderr.split('\n').filter((l) => /error:/.test(l)).pop()?.trim();
    const why = err ? await gitRefusal(err, root, env) : undefined;
    return { ok: false, reason: `${describeOutcome(r)}${err ? `: ${err}` : ''}${why ? `: ${why}` : ''}`, command };
  }
  try {
    return { ok: true, outputs: flattenShow(JSON.parse(r.stdoutFull.toString('utf8'))), command };
  } catch (e) {
    return { ok: false, reason: `nix flake show printed something that is not JSON: ${(e as Error).message}`, command };
  }
}

/**
 * Nix's clean environment plus the git variables of a live read of the genome (core's gitEnv):
 * Nix's git reads the genome as `git status` does, so a checkout trusted by a configuration given
 * as GIT_CONFIG_GLOBAL or GIT_CONFIG_COUNT (safe.directory) is readable to it too, as the remedy
 * below says; GIT_DIR and the like stay out, and Nix's git takes no optional locks.
 */
export function nixEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const git = Object.entries(gitEnv(false, base)).filter(([k]) => k.startsWith('GIT_'));
  return { ...cleanEnv(base), ...Object.fromEntries(git) };
}

/**
 * Why Nix could not read the genome's repository, when the cause is its owner (another user's
 * checkout), in core's words (the repository and the safe.directory remedy). Nix before 2.20 runs
 * git, whose commands (`git diff`) then print only their usage and exit 129; Nix 2.20 and later
 * read it with libgit2, which says "is not owned by current user" but names no remedy. Either way
 * the same git, with the same environment, says so on a rev-parse.
 */
export async function gitRefusal(err: string, root: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const libgit2 = LIBGIT2_NOT_OWNER.test(err);
  if (!libgit2 && !err.includes("program 'git' failed")) return undefined;
  const r = await captureCommand({ command: 'git', args: ['rev-parse', '--git-dir'], cwd: root, env: { ...env, LC_ALL: 'C' }, timeoutMs: 60_000 });
  if (!succeeded(r)) return unsafeRepositoryError(r.stderr)?.message;
  return libgit2 ? libgit2Config(root) : undefined;
}

/** libgit2's refusal (Nix 2.20 and later) of a repository another user owns. */
const LIBGIT2_NOT_OWNER = /is not owned by current user/;

/**
 * git trusts the repository (safe.directory through GIT_CONFIG_GLOBAL or GIT_CONFIG_COUNT, say)
 * where libgit2 does not: libgit2 reads ~/.gitconfig and the system configuration only.
 */
function libgit2Config(root: string): string {
  const remedy = `git config --file ~/.gitconfig --add safe.directory ${shellQuote(root)}`;
  return `git itself trusts it, through configuration Nix's libgit2 does not read (GIT_CONFIG_GLOBAL, GIT_CONFIG_COUNT): list it as safe.directory in ~/.gitconfig (${remedy}) or in the system configuration`;
}

/** `{ packages: { x86_64-linux: { hello: { type } } }, lib: { type } }` -> a flat list. */
export function flattenShow(tree: unknown): EvaluatedOutput[] {
  const out: EvaluatedOutput[] = [];
  if (!isObject(tree)) return out;
  for (const [category, v] of Object.entries(tree)) {
    if (!isObject(v)) continue;
    if (isLeaf(v)) {
      out.push({ category, system: null, name: null, type: String(v.type) });
      continue;
    }
    for (const [k, w] of Object.entries(v)) {
      if (!isObject(w)) continue;
      if (PER_SYSTEM_CATEGORIES.has(category)) {
        if (isLeaf(w)) out.push({ category, system: k, name: null, type: String(w.type) });
        else for (const [name, x] of Object.entries(w)) if (isObject(x) && !omitted(x)) out.push({ category, system: k, name, type: String(x.type ?? 'unknown') });
      } else {
        out.push({ category, system: null, name: k, type: String(w.type ?? 'unknown') });
      }
    }
  }
  return out;
}

/** Does a parsed declaration stand for this evaluated output? Computed parts match anything. */
export function matches(decl: FlakeOutputDecl, ev: EvaluatedOutput): boolean {
  // `legacyPackages.<system>.homeConfigurations.<name>` is not the output `homeConfigurations`
  // (and `nix flake show` does not list what legacyPackages holds).
  if (decl.category !== ev.category || decl.attr.split('.', 1)[0] !== ev.category) return false;
  if (decl.per_system && decl.system !== null && decl.system !== ev.system) return false;
  if (!decl.static) return true;
  return decl.name === ev.name;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `{}`: what Nix 2.13 and later print for an output of another system, which it did not evaluate
 * ("omitted (use '--all-systems' to show)"). It is not evidence that the output evaluates.
 */
function omitted(v: Record<string, unknown>): boolean {
  return Object.keys(v).length === 0;
}

function isLeaf(v: Record<string, unknown>): boolean {
  return typeof v.type === 'string' && !Object.values(v).some(isObject);
}
