// flakeShow on a genome in a git repository another user owns: real Nix, real git. As root the
// repository is handed to another uid (what a CI container's bind mount does); otherwise git's
// GIT_TEST_ASSUME_DIFFERENT_OWNER makes it treat the repository the same way.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, unsafeRepositoryError } from '@autopoietic/core/adapters';
import '../../../../../tests/support/nix-env.js';
import { initRepo } from '../../../../../tests/support/git.js';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { flakeShow } from './flake-eval.js';

const FLAKE = '{ outputs = { self }: { lib.answer = 42; }; }\n';
const asRoot = process.getuid?.() === 0;

/** A committed flake in a repository git refuses as another user's, and the env Nix runs with. */
function foreignGenome(extra: Record<string, string> = {}): { root: string; env: NodeJS.ProcessEnv } {
  const root = join(tempDir('aos-eval-'), 'genome');
  execFileSync('mkdir', [root]);
  initRepo(root, { 'flake.nix': FLAKE });
  if (asRoot) execFileSync('chown', ['-R', '65534:65534', root]);
  return { root, env: { ...cleanEnv(), ...(asRoot ? {} : { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1' }), ...extra } };
}

describe(`flakeShow on a repository owned by another user (${asRoot ? 'chown' : 'GIT_TEST_ASSUME_DIFFERENT_OWNER'})`, () => {
  it('names the repository and the safe.directory remedy, in git\'s own words from core (it said only "program \'git\' failed with exit code 129")', async () => {
    const { root, env } = foreignGenome();
    const show = await flakeShow(root, env);
    expect(show.ok).toBe(false);
    const reason = show.ok ? '' : show.reason;
    expect(reason).toContain("program 'git' failed");
    expect(reason).toContain(unsafeRepositoryError(`fatal: detected dubious ownership in repository at '${root}'`)!.message);
    expect(reason).not.toContain('\n');
  });

});
