// Nix 2.20 and later read a flake's git repository with libgit2, which refuses another user's
// checkout in its own words and names no remedy. The suite's Nix is 2.8 (git), so Nix 2.26's
// message is given as captured; git, and the repository's ownership, are real: as root the
// repository is handed to another uid, otherwise git's GIT_TEST_ASSUME_DIFFERENT_OWNER does it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, unsafeRepositoryError } from '@autopoietic/core/adapters';
import { initRepo } from '../../../../../tests/support/git.js';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { gitRefusal } from './flake-eval.js';

const asRoot = process.getuid?.() === 0;

function foreignRepo(): { root: string; env: NodeJS.ProcessEnv } {
  const root = join(tempDir('aos-libgit2-'), 'genome');
  mkdirSync(root);
  initRepo(root, { 'flake.nix': '{ outputs = { self }: { }; }\n' });
  if (asRoot) execFileSync('chown', ['-R', '65534:65534', root]);
  return { root, env: { ...cleanEnv(), ...(asRoot ? {} : { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1' }) } };
}

/** What Nix 2.26.3 printed for such a checkout (nix flake show, last error line). */
const libgit2Error = (root: string) => `error: opening Git repository "${root}": repository path '${root}' is not owned by current user`;

describe('gitRefusal, for the error line of a nix flake show that failed', () => {
  it("turns libgit2's refusal into core's wording: the repository and the safe.directory remedy", async () => {
    const { root, env } = foreignRepo();
    expect(await gitRefusal(libgit2Error(root), root, env)).toBe(unsafeRepositoryError(`fatal: detected dubious ownership in repository at '${root}'`)!.message);
  });

  it('says where libgit2 looks when git trusts the repository through GIT_CONFIG_GLOBAL, which libgit2 does not read', async () => {
    const { root, env } = foreignRepo();
    const cfg = join(tempDir(), 'gitconfig');
    writeFileSync(cfg, `[safe]\n\tdirectory = ${root}\n`);
    const why = await gitRefusal(libgit2Error(root), root, { ...env, GIT_CONFIG_GLOBAL: cfg });
    expect(why).toMatch(/^git itself trusts it, through configuration Nix's libgit2 does not read \(GIT_CONFIG_GLOBAL, GIT_CONFIG_COUNT\)/);
    expect(why).toContain(`git config --file ~/.gitconfig --add safe.directory ${root}`);
  });

  it('adds nothing to other failures, and nothing when git reads the repository and Nix did not blame its owner', async () => {
    const { root, env } = foreignRepo();
    expect(await gitRefusal('error: attribute \'x\' missing', root, env)).toBeUndefined();
    const own = join(tempDir('aos-libgit2-'), 'own');
    mkdirSync(own);
    initRepo(own, { 'flake.nix': '{ outputs = { self }: { }; }\n' });
    expect(await gitRefusal("error: program 'git' failed with exit code 128", own, cleanEnv())).toBeUndefined();
  });
});
