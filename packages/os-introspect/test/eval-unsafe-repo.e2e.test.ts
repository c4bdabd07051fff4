// --eval on a genome whose git repository another user owns (a CI container's bind-mounted
// checkout): Nix's own git call fails, and the self-state says why and what to do. Only root can
// hand a repository to another uid; flake-eval.test.ts covers the same for any user.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nixInfo, versionAtLeast } from '@autopoietic/core/adapters';
import { initRepo } from '../../../tests/support/git.js';
import { observe, sandbox } from './helpers.js';

// Nix 2.20 and later read the repository with libgit2, which reads ~/.gitconfig, not GIT_CONFIG_GLOBAL.
const libgit2 = versionAtLeast((await nixInfo()).version, 2, 20);

describe.runIf(process.getuid?.() === 0)('os-introspect --eval on a repository owned by another user', () => {
  it('records a reason naming the repository and the safe.directory remedy (it said only "program \'git\' failed with exit code 129")', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { lib.answer = 42; }; }\n' });
    initRepo(s.root);
    execFileSync('chown', ['-R', '65534:65534', s.root]);
    const g = observe(s, ['--eval']).genome;
    expect(g.outputs_eval).toMatchObject({ requested: true, available: false });
    expect(g.outputs_eval.reason).toContain(`git refuses to read the repository at ${s.root}: it is owned by another user`);
    expect(g.outputs_eval.reason).toContain(`git config --global --add safe.directory ${s.root}`);
    expect(g.outputs_eval.reason).not.toContain('\n');
  });

  it('evaluates it once the git configuration GIT_CONFIG_GLOBAL names trusts it, as the remedy says (Nix\'s git never saw that file)', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { lib.answer = 42; }; }\n' });
    initRepo(s.root);
    execFileSync('chown', ['-R', '65534:65534', s.root]);
    const cfg = join(s.home, 'ci-gitconfig');
    writeFileSync(cfg, `[safe]\n\tdirectory = ${s.root}\n`);
    const g = observe(s, ['--eval'], { GIT_CONFIG_GLOBAL: cfg }).genome;
    if (libgit2) {
      expect(g.outputs_eval).toMatchObject({ requested: true, available: false });
      expect(g.outputs_eval.reason).toContain(`list it as safe.directory in ~/.gitconfig (git config --file ~/.gitconfig --add safe.directory ${s.root})`);
      return;
    }
    expect(g.outputs_eval).toMatchObject({ requested: true, available: true });
    expect(g.outputs.map((o) => [o.attr, o.evaluation])).toEqual([['lib', 'evaluated']]);
  });
});
