import { spawnSync } from 'node:child_process';
import { StepFailure } from './types.js';

/** Identity and settings for the scratch repository, independent of the user's git config. */
const SCRATCH_ENV = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Autopoietic demo',
  GIT_AUTHOR_EMAIL: 'demo@autopoietic.invalid',
  GIT_COMMITTER_NAME: 'Autopoietic demo',
  GIT_COMMITTER_EMAIL: 'demo@autopoietic.invalid',
};

/** Runs git; `scratch` selects the hermetic environment used for the demo's own repository. */
export function git(cwd: string, args: string[], opts: { scratch?: boolean; allowFail?: boolean } = {}): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: opts.scratch ? { ...process.env, ...SCRATCH_ENV } : process.env,
  });
  if (r.error) throw new StepFailure(`git could not be run: ${r.error.message}`, 'Install git (apt-get install git).');
  if (r.status !== 0 && !opts.allowFail) {
    throw new StepFailure(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr.trim()}`);
  }
  return r.status === 0 ? r.stdout : '';
}

/** Files a user sees in a git work tree under `dir`: tracked plus untracked-but-not-ignored. */
export function visibleFiles(dir: string): string[] | undefined {
  const inside = git(dir, ['rev-parse', '--is-inside-work-tree'], { allowFail: true }).trim();
  if (inside !== 'true') return undefined;
  const out = git(dir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', '.']);
  return [...new Set(out.split('\0').filter(Boolean))].sort();
}

/** Makes `dir` a fresh repository with everything in it committed on branch main; returns HEAD. */
export function commitAll(dir: string, message: string): string {
  git(dir, ['init', '-q', '-b', 'main'], { scratch: true });
  git(dir, ['config', 'commit.gpgsign', 'false'], { scratch: true });
  git(dir, ['config', 'core.hooksPath', '/dev/null'], { scratch: true });
  git(dir, ['add', '-A'], { scratch: true });
  git(dir, ['commit', '-q', '-m', message], { scratch: true });
  return git(dir, ['rev-parse', 'HEAD'], { scratch: true }).trim();
}

/** The state that must not change while proposals are checked: HEAD, index, status, worktrees. */
export function liveGenomeState(dir: string): string {
  const parts = [
    git(dir, ['rev-parse', 'HEAD'], { scratch: true }),
    git(dir, ['ls-files', '--stage'], { scratch: true }),
    git(dir, ['status', '--porcelain=v1', '--ignored', '--untracked-files=all'], { scratch: true }),
    git(dir, ['worktree', 'list', '--porcelain'], { scratch: true }),
    git(dir, ['for-each-ref'], { scratch: true }),
  ];
  return parts.join('\n--\n');
}
