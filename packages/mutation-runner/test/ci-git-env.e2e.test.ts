// The git environment of CI runners and git hooks: GIT_DIR / GIT_WORK_TREE / GIT_INDEX_FILE
// pointing at the live repository, a global git configuration chosen by GIT_CONFIG_GLOBAL or
// GIT_CONFIG_COUNT (the user's own, with hooks, signing and strict apply settings), and a
// checkout owned by another user (container jobs), which git refuses as "dubious ownership".
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../../../tests/support/git.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { fixtureGenome, keptCandidates, ledger, memoryDir, readmeProposal, repoSnapshot, runner } from './support.js';

/** A global git config file as a CI job or a developer has it, with hooks that leave a mark. */
function userGitConfig(dir: string, extra = ''): { file: string; marks: string } {
  const marks = join(dir, 'MARKS');
  const hooks = join(dir, 'hooks');
  mkdirSync(hooks);
  for (const h of ['pre-commit', 'post-commit', 'post-checkout', 'post-index-change', 'reference-transaction', 'pre-applypatch']) {
    writeFileSync(join(hooks, h), `#!/bin/sh\necho "${h} $PWD" >> '${marks}'\nexit 1\n`);
    chmodSync(join(hooks, h), 0o755);
  }
  writeFileSync(join(dir, 'excludes'), 'local.secret\n');
  const file = join(dir, 'gitconfig');
  const lines = ['[core]', `\thooksPath = ${hooks}`, '\tautocrlf = true', `\texcludesFile = ${join(dir, 'excludes')}`, '[commit]', '\tgpgsign = true', '[apply]', '\twhitespace = error', '[init]', '\tdefaultBranch = trunk'];
  writeFileSync(file, `${lines.join('\n')}\n${extra}`);
  return { file, marks };
}

describe('verify in a CI job or a git hook', () => {
  it('follows the git configuration GIT_CONFIG_GLOBAL names for the live listing, never GIT_DIR, and keeps the candidate hermetic', () => {
    const root = fixtureGenome();
    writeFileSync(join(root, 'local.secret'), 'only the user\'s global excludes ignore this\n');
    const cfg = userGitConfig(tempDir());
    const before = repoSnapshot(root);
    const work = tempDir();
    // Trailing whitespace: `apply.whitespace = error` in the user's config would refuse it.
    const proposal = readmeProposal(root, {}, 'Fixture genome, changed.   \n');
    const env = { GIT_CONFIG_GLOBAL: cfg.file, GIT_DIR: join(root, '.git'), GIT_WORK_TREE: root, GIT_INDEX_FILE: join(root, '.git', 'index') };
    const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', memoryDir(), '--work-dir', work, '--keep-worktree'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().status).toBe('verified');
    const [cand] = keptCandidates(work);
    // The user's git (with that config) does not show local.secret: neither does the candidate.
    expect(existsSync(join(cand!, 'local.secret'))).toBe(false);
    expect(readFileSync(join(cand!, 'README.md'), 'utf8')).toBe('Fixture genome, changed.   \n');
    expect(existsSync(cfg.marks) ? readFileSync(cfg.marks, 'utf8') : '').toBe('');
    expect(repoSnapshot(root)).toEqual(before);
  });

  it("applies and hashes the candidate without the user's default global attributes file (~/.config/git/attributes)", () => {
    const root = fixtureGenome();
    const home = tempDir();
    // git reads $XDG_CONFIG_HOME/git/attributes even when no global config file is read at all.
    mkdirSync(join(home, '.config', 'git'), { recursive: true });
    writeFileSync(join(home, '.config', 'git', 'attributes'), '* text eol=crlf\n');
    const proposal = readmeProposal(root);
    const run = (env: Record<string, string>) => {
      const work = tempDir();
      const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', memoryDir(), '--work-dir', work, '--keep-worktree'], { env });
      expect(r.code, r.stderr).toBe(0);
      return { tree: r.json().candidate_tree as string, readme: readFileSync(join(keptCandidates(work)[0]!, 'README.md'), 'utf8') };
    };
    const plain = run({});
    expect(plain.readme).toBe('Fixture genome, changed.\n');
    const envs: Record<string, string>[] = [{ HOME: home }, { XDG_CONFIG_HOME: join(home, '.config') }];
    for (const env of envs) expect(run(env)).toEqual(plain);
  });

  it("never runs the user's file-system monitor (core.fsmonitor in ~/.gitconfig) in the candidate, where Nix's git reads the flake", () => {
    const root = fixtureGenome();
    const home = tempDir();
    const marks = join(home, 'MARKS');
    const monitor = join(home, 'fsmonitor-hook');
    writeFileSync(monitor, `#!/bin/sh\necho "$PWD" >> '${marks}'\nexit 1\n`);
    chmodSync(monitor, 0o755);
    writeFileSync(join(home, '.gitconfig'), `[core]\n\tfsmonitor = ${monitor}\n`);
    const work = tempDir();
    const proposal = readmeProposal(root, {}, `monitored ${process.hrtime.bigint()}\n`); // a flake Nix has not seen
    const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', memoryDir(), '--work-dir', work], { env: { HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().status).toBe('verified');
    const ran = existsSync(marks) ? readFileSync(marks, 'utf8').split('\n').filter(Boolean) : [];
    // The live genome's reads honour the user's configuration, as `git status` does (the hook
    // proves it is configured and runs); nothing in the candidate does.
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.filter((dir) => dir !== root)).toEqual([]);
  });

  it('follows configuration given as GIT_CONFIG_COUNT/KEY/VALUE as well', () => {
    const root = fixtureGenome();
    writeFileSync(join(root, 'local.secret'), 'x\n');
    const cfg = userGitConfig(tempDir());
    const work = tempDir();
    const env = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.excludesFile', GIT_CONFIG_VALUE_0: join(cfg.file, '..', 'excludes') };
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', memoryDir(), '--work-dir', work, '--keep-worktree'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(keptCandidates(work)[0]!, 'local.secret'))).toBe(false);
  });
});

// Only root can hand a checkout to another user (what a container job's bind mount does).
describe.runIf(process.getuid?.() === 0)('a checkout owned by another user', () => {
  function foreignGenome(): string {
    const root = join(tempDir('aos-ci-'), 'ci checkout');
    cpSync(fixtureGenome(), root, { recursive: true });
    execFileSync('chown', ['-R', '65534:65534', root]);
    return root;
  }

  it('is refused on one line naming the repository and the safe.directory remedy, recorded as an error, never verified', () => {
    const root = foreignGenome();
    const mem = memoryDir();
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', mem]);
    expect(r.code).toBe(1);
    const rec = r.json();
    expect(rec.status).toBe('error');
    expect(rec.reason).not.toContain('\n');
    expect(rec.reason).toContain(`owned by another user`);
    expect(rec.reason).toContain(`git config --global --add safe.directory '${root}'`);
    expect(ledger(join(mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['error']);

    const p = runner(['propose', '--goal', 'g', '--root', root, '--memory-dir', memoryDir(), '--out-dir', tempDir()]);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain(`error[git-unsafe-repository]: git refuses to read the repository at ${root}: it is owned by another user`);
    expect(p.stderr).toContain(`safe.directory '${root}'\n`);
    expect(p.stderr).toMatch(/^hint: .*GIT_CONFIG_GLOBAL/m);
  });

  it('is verified once the configuration GIT_CONFIG_GLOBAL names trusts it (as the remedy says)', () => {
    const root = foreignGenome();
    const cfg = join(tempDir(), 'gitconfig');
    writeFileSync(cfg, `[safe]\n\tdirectory = ${root}\n`);
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', memoryDir()], { env: { GIT_CONFIG_GLOBAL: cfg } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().status).toBe('verified');
  });
});

describe('a CI temp dir the candidate cannot be made in', () => {
  it('is an error naming the directory, what chose it ($TMPDIR or --work-dir) and the remedy, in the record and on one line', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const cases: [string[], Record<string, string>, RegExp][] = [
      [[], { TMPDIR: file }, /^failed to create isolated candidate: cannot create the candidate in (.*a-file) \(\$TMPDIR\): \1 exists and is not a directory \(EEXIST\): move it out of the way, or point TMPDIR \(or --work-dir\) at a writable directory/],
      [['--work-dir', join(file, 'sub')], {}, /in (.*a-file)\/sub \(--work-dir\): \1 is not a directory \(ENOTDIR\), so \1\/sub cannot be made under it: move it out of the way, or give --work-dir a writable directory/],
    ];
    for (const [flags, env, reason] of cases) {
      const mem = memoryDir();
      const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem, ...flags], { env });
      expect(r.code, r.stderr).toBe(1);
      expect(r.json().reason).toMatch(reason);
      expect(ledger(join(mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['error']);
    }
  });
});

describe('a sparse checkout (actions/checkout sparse-checkout)', () => {
  it('gets no verdict: the tracked files left out of the work tree are named, never judged as missing from the genome', () => {
    const root = fixtureGenome(undefined, { 'docs/notes.md': 'n\n' });
    // The proposal edits README.md, which the sparse checkout keeps; hosts/ and docs/ are left out.
    const proposal = readmeProposal(root);
    git(root, ['sparse-checkout', 'set', '--no-cone', '/*', '!/hosts/', '!/docs/']);
    expect(existsSync(join(root, 'hosts', 'seed.nix'))).toBe(false);
    const mem = memoryDir();
    const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem]);
    expect(r.code).toBe(1);
    const rec = r.json();
    expect(rec.status).toBe('error');
    expect(rec.reason).toContain('2 tracked files are not checked out (a sparse checkout): docs/notes.md, hosts/seed.nix; a candidate would lack them');
    expect(rec.reason).toContain('git sparse-checkout disable');
    expect(rec.checks).toEqual([]);
    // Checked out in full again, the same proposal verifies.
    git(root, ['sparse-checkout', 'disable']);
    expect(runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem]).code).toBe(0);
  });

  it('is verified when it leaves out only files no candidate carries (a genome that commits its memory ledgers)', () => {
    const root = fixtureGenome(undefined, { 'memory/mutations.jsonl': '' });
    const proposal = readmeProposal(root);
    git(root, ['sparse-checkout', 'set', '--no-cone', '/*', '!/memory/']);
    expect(existsSync(join(root, 'memory', 'mutations.jsonl'))).toBe(false);
    const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().status).toBe('verified');
  });
});
