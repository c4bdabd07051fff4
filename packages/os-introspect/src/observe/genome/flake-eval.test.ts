// flakeShow on a genome in a git repository another user owns: real Nix, real git. As root the
// repository is handed to another uid (what a CI container's bind mount does); otherwise git's
// GIT_TEST_ASSUME_DIFFERENT_OWNER makes it treat the repository the same way.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, nixInfo, unsafeRepositoryError, versionAtLeast } from '@autopoietic/core/adapters';
import '../../../../../tests/support/nix-env.js';
import { initRepo } from '../../../../../tests/support/git.js';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { flakeShow, nixEnv } from './flake-eval.js';

const FLAKE = '{ outputs = { self }: { lib.answer = 42; }; }\n';
const asRoot = process.getuid?.() === 0;
// Nix 2.20 and later read a flake's repository with libgit2 (its own refusal message, and only
// ~/.gitconfig and the system configuration); before, with git. The tests expect what this Nix does.
const libgit2 = versionAtLeast((await nixInfo()).version, 2, 20);

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
    expect(reason).toContain(libgit2 ? 'is not owned by current user' : "program 'git' failed");
    expect(reason).toContain(unsafeRepositoryError(`fatal: detected dubious ownership in repository at '${root}'`)!.message);
    expect(reason).not.toContain('\n');
  });

  it('evaluates it once the git configuration GIT_CONFIG_GLOBAL names trusts it (Nix\'s git never saw that variable), or, where libgit2 reads the repository, says where to trust it instead', async () => {
    const cfg = join(tempDir(), 'gitconfig');
    const { root, env } = foreignGenome();
    writeFileSync(cfg, `[safe]\n\tdirectory = ${root}\n`);
    const show = await flakeShow(root, { ...env, ...nixEnv({ ...process.env, GIT_CONFIG_GLOBAL: cfg }) });
    if (!libgit2) expect(show).toMatchObject({ ok: true, outputs: [{ category: 'lib' }] });
    else expect(show).toMatchObject({ ok: false, reason: expect.stringContaining(`git config --file ~/.gitconfig --add safe.directory ${root}`) });
  });
});

describe('nixEnv', () => {
  it("keeps git's configuration variables and drops where a repository is (a CI job's or a hook's GIT_DIR)", () => {
    const env = nixEnv({ PATH: '/bin', GIT_CONFIG_GLOBAL: '/ci/gitconfig', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*', GIT_DIR: '/x/.git', GIT_INDEX_FILE: '/x/.git/index', SECRET_TOKEN: 's' });
    expect(env).toMatchObject({ PATH: '/bin', GIT_CONFIG_GLOBAL: '/ci/gitconfig', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*', GIT_OPTIONAL_LOCKS: '0' });
    for (const k of ['GIT_DIR', 'GIT_INDEX_FILE', 'SECRET_TOKEN']) expect(env).not.toHaveProperty(k);
  });
});
