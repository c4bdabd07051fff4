import type { SideEffectDeclaration } from '@autopoietic/core/schemas';
import { inQueue, QUEUE_DIR } from '../candidate/queue.js';
import type { PatchFile } from './parse.js';
import type { ProtectedMatcher } from './protected.js';

/**
 * Validation of a parsed patch against the proposal and the policy, before anything is applied
 * (pure). The first problem found is the rejection reason.
 */
export interface PatchRuleContext {
  changedPaths: readonly string[];
  sideEffects: readonly SideEffectDeclaration[];
  isProtected: ProtectedMatcher;
}

const SYMLINK_MODE = '120000';

export function patchProblem(files: readonly PatchFile[], ctx: PatchRuleContext): string | undefined {
  for (const f of files) {
    if (f.binaryWithoutData) {
      return `patch for ${f.newPath ?? f.oldPath} is a binary change without its data; regenerate it with git diff --binary`;
    }
    const section = touchedPaths(f);
    for (const path of section) {
      const problem = pathProblem(path, ctx, section);
      if (problem) return problem;
    }
    if (f.oldMode === SYMLINK_MODE || f.newMode === SYMLINK_MODE) {
      return `patch path ${JSON.stringify(f.newPath ?? f.oldPath)} is a symlink (mode 120000); a proposal may not create, change or delete symlinks`;
    }
  }
  return undefined;
}

/** Every path a file section reads or writes: both sides of a rename, the source of a copy. */
export function touchedPaths(f: PatchFile): string[] {
  const paths = new Set<string>();
  if (f.oldPath !== null) paths.add(f.oldPath);
  if (f.newPath !== null) paths.add(f.newPath);
  return [...paths];
}

/** Why a single path may not be touched, or undefined; `section` holds the paths of its file section. */
export function pathProblem(path: string, ctx: PatchRuleContext, section: readonly string[] = [path]): string | undefined {
  const shape = relativePathProblem(path);
  if (shape) {
    const declared = ctx.sideEffects.some((s) => s.target === path);
    return declared
      ? `patch path ${JSON.stringify(path)} ${shape}: it is outside the isolated candidate and cannot be applied in P1, even with its declared side effect`
      : `patch path ${JSON.stringify(path)} ${shape}: a change outside the genome needs a side-effect declaration, and even then P1 cannot apply it`;
  }
  if (path.split('/').some((c) => c.toLowerCase() === '.git')) return `patch path ${JSON.stringify(path)} is inside .git/`;
  if (inQueue(path)) return queueProblem(path);
  const rule = ctx.isProtected(path);
  if (rule) return `patch path ${JSON.stringify(path)} is protected (${rule.source} rule ${JSON.stringify(rule.pattern)})`;
  if (!ctx.changedPaths.includes(path)) return `patch path ${JSON.stringify(path)} is not listed in changed_paths${strippedHint(section, ctx.changedPaths)}`;
  return undefined;
}

/**
 * A patch made with `diff -u` from the genome root or `git diff --no-prefix` names `hosts/x.nix`,
 * which git apply's -p1 turns into `x.nix`; the author listed `hosts/x.nix`, so "x.nix is not
 * listed" alone read as nonsense. When a listed path is a path of the section (`diff -u x.orig x`
 * names two) under one more leading component, say what happened.
 */
function strippedHint(section: readonly string[], changedPaths: readonly string[]): string {
  // Not when the section itself names the listed path: `git mv x sub/x` is a rename, not a lost prefix.
  const under = (c: string, p: string) => c.endsWith(`/${p}`) && !c.slice(0, -p.length - 1).includes('/') && !section.includes(c);
  const path = section.find((p) => changedPaths.some((c) => under(c, p)));
  if (path === undefined) return '';
  const listed = changedPaths.find((c) => under(c, path))!;
  const lost = listed.slice(0, -path.length);
  return (
    `, which lists ${JSON.stringify(listed)}: git apply strips the first component of every patch path (-p1), as if it were git's a/ or b/, ` +
    `so this patch (made with diff -u from the genome root, or git diff --no-prefix?) lost ${JSON.stringify(lost)}; ` +
    'make it with git diff --binary, or with diff -ruN from copies named a/ and b/'
  );
}

/**
 * The proposal queue is not the genome (candidate/queue.ts): no candidate holds it, so such a patch
 * could not be applied, and what it changes is not configuration anyway.
 */
function queueProblem(path: string): string {
  return `patch path ${JSON.stringify(path)} is in the proposal queue (${QUEUE_DIR}/), which is not part of the genome: a proposal changes the genome, not other proposals; leave ${QUEUE_DIR}/ out of the change (file, move or delete queued proposals directly)`;
}

/** Why `path` is not a normalized relative path inside the tree, or undefined. */
export function relativePathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.startsWith('/')) return 'is absolute';
  if (/^[A-Za-z]:[\\/]/.test(path) || path.includes('\\')) return 'is not a POSIX relative path';
  const parts = path.split('/');
  if (parts.includes('..')) return 'leaves the genome (".." component)';
  if (parts.some((p) => p === '' || p === '.')) return 'is not a normalized relative path';
  if (path.includes('\0')) return 'contains a NUL byte';
  return undefined;
}
