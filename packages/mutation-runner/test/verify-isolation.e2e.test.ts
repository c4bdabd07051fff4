// Isolation of the P1 candidate: the live root (files, index, refs, worktree list) is unchanged,
// the candidate is what the user sees (uncommitted state included, ignored files and memory
// excluded), the work dir guard, the symlink escape of toolchain-facts 5.3, and fingerprints.
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../../../tests/support/git.js';
import { tempDir, writeTree } from '../../../tests/support/tmp.js';
import { fixtureGenome, keptCandidates, ledger, memoryDir, plainGenome, readmeProposal, repoSnapshot, runner, treeSnapshot, writeProposal } from './support.js';

function verify(root: string, proposal: string, extra: string[] = [], mem = memoryDir()) {
  const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem, ...extra]);
  return { ...r, mem };
}

describe('the live root is never touched', () => {
  it('leaves files, index, refs, worktree list and status byte-for-byte unchanged, with uncommitted state present', () => {
    const root = fixtureGenome(undefined, { 'docs/x.md': 'x\n' });
    writeFileSync(join(root, 'docs/x.md'), 'x modified, not committed\n');
    writeFileSync(join(root, 'untracked.nix'), '{ }\n');
    git(root, ['add', 'untracked.nix']);
    writeFileSync(join(root, 'later.txt'), 'untracked and unstaged\n');
    const before = repoSnapshot(root);
    const r = verify(root, readmeProposal(root));
    expect(r.code, r.stderr).toBe(0);
    expect(repoSnapshot(root)).toEqual(before);
  });

  it('removes the candidate afterwards unless --keep-worktree is given', () => {
    const root = fixtureGenome();
    const work = tempDir();
    expect(verify(root, readmeProposal(root), ['--work-dir', work]).code).toBe(0);
    expect(readdirSync(work)).toEqual([]);
    expect(verify(root, readmeProposal(root), ['--work-dir', work, '--keep-worktree']).code).toBe(0);
    const [kept] = keptCandidates(work);
    expect(readFileSync(join(kept!, 'README.md'), 'utf8')).toBe('Fixture genome, changed.\n');
  });
});

describe('the candidate is what the user sees', () => {
  it('carries modified tracked and untracked-not-ignored files, and leaves ignored ones out', () => {
    const root = fixtureGenome(undefined, { '.gitignore': '*.secret\nbuild/\n' });
    writeFileSync(join(root, 'hosts/seed.nix'), '{ host = "seed-02"; mode = "mutate-vm"; }\n');
    writeTree(root, { 'new/module.nix': '{ }\n', 'token.secret': 'x', 'build/out': 'y', 'node_modules/p/i.js': '', 'result': { symlink: '/nix/store' } });
    const work = tempDir();
    const r = verify(root, readmeProposal(root), ['--work-dir', work, '--keep-worktree']);
    expect(r.code, r.stderr).toBe(0);
    const [cand] = keptCandidates(work);
    expect(readFileSync(join(cand!, 'hosts/seed.nix'), 'utf8')).toContain('seed-02');
    expect(existsSync(join(cand!, 'new/module.nix'))).toBe(true);
    for (const gone of ['token.secret', 'build', 'node_modules', 'result']) expect(existsSync(join(cand!, gone))).toBe(false);
    // Its index holds exactly that file set; it shares nothing with the live repository.
    expect(git(cand!, ['ls-files']).trim().split('\n').sort()).toEqual(['.gitignore', 'README.md', 'flake.nix', 'hosts/seed.nix', 'new/module.nix']);
    expect(git(cand!, ['remote']).trim()).toBe('');
    expect(existsSync(join(cand!, '.git', 'objects', 'info', 'alternates'))).toBe(false);
  });

  it('copies a non-git genome honouring its .gitignore, memory excluded', () => {
    const root = plainGenome(undefined, { '.gitignore': 'ignored/\n', 'ignored/big': 'x', 'memory/mutations.jsonl': '', 'memory/evidence/e.json': '{}', 'memory/notes.md': 'kept' });
    const work = tempDir();
    const r = verify(root, readmeProposal(root), ['--work-dir', work, '--keep-worktree']);
    expect(r.code, r.stderr).toBe(0);
    const [cand] = keptCandidates(work);
    expect(existsSync(join(cand!, 'ignored'))).toBe(false);
    expect(existsSync(join(cand!, 'memory/mutations.jsonl'))).toBe(false);
    expect(existsSync(join(cand!, 'memory/evidence'))).toBe(false);
    expect(readFileSync(join(cand!, 'memory/notes.md'), 'utf8')).toBe('kept');
    expect(existsSync(join(root, '.git'))).toBe(false);
  });

  it('does not copy memory/evidence into the candidate (a check proves it from inside)', () => {
    const root = fixtureGenome(undefined, { 'memory/evidence/p1.json': '{}\n' });
    const r = verify(root, readmeProposal(root, { expected_checks: [{ name: 'no-evidence', command: 'test', args: ['!', '-e', 'memory/evidence/p1.json'] }] }));
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('work dir guard', () => {
  it('refuses a work dir inside the root, journaled as error', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root), ['--work-dir', join(root, 'tmp')]);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'error' });
    expect(r.json().reason).toContain('must not be inside root');
    expect(existsSync(join(root, 'tmp'))).toBe(false);
  });

  it('refuses a work dir that reaches the root through a symlink', () => {
    const root = fixtureGenome();
    const outside = tempDir();
    symlinkSync(root, join(outside, 'alias'));
    const r = verify(root, readmeProposal(root), ['--work-dir', join(outside, 'alias', 'sub')]);
    expect(r.json().status).toBe('error');
    expect(r.json().reason).toContain('must not be inside root');
  });
});

describe('paths Nix cannot take as a flake', () => {
  it('verifies a genome whose own path has spaces, quotes, $ and unicode (only the candidate is given to Nix)', () => {
    const outer = join(tempDir("aos genome 'ü' $x "), '-g dir');
    mkdirSync(outer);
    const root = fixtureGenome();
    const moved = join(outer, 'genome');
    renameSync(root, moved);
    const r = verify(moved, readmeProposal(moved));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().status).toBe('verified');
  });

  it('refuses a work dir whose path Nix 2.8 cannot read as a flake reference, journaled as error, not as a rejected proposal', () => {
    const root = fixtureGenome();
    const work = join(tempDir('aos work dir '), 'wörk');
    const r = verify(root, readmeProposal(root), ['--work-dir', work]);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'error', checks: [] });
    expect(r.json().reason).toContain(`work dir ${work}`);
    expect(r.json().reason).toContain("' ' and 'ö'");
    expect(r.json().reason).toContain('--work-dir');
    expect(existsSync(work)).toBe(false);
  });

  it('says so for the system temp dir too (TMPDIR)', () => {
    const root = fixtureGenome();
    const tmp = tempDir('aos tmp ');
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', memoryDir()], { env: { TMPDIR: tmp } });
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('error');
    expect(r.json().reason).toContain('TMPDIR');
    expect(readdirSync(tmp)).toEqual([]);
  });
});

describe('a Nix store this user cannot open (a non-root user of a single-user install)', () => {
  it('is journaled as error naming the store problem, not as a rejected proposal whose checks all failed', () => {
    const root = fixtureGenome();
    const mem = memoryDir();
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', mem], { env: { NIX_REMOTE: 'unix:///nonexistent/aos-socket' } });
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'error', checks: [] });
    expect(r.json().reason).toContain(`Nix cannot open its store as this user (uid ${process.getuid?.()}): error: cannot connect to socket at '/nonexistent/aos-socket'`);
    expect(r.json().reason).toContain('run as a user that may use Nix');
    expect(ledger(join(mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['error']);
  });

  it('checks the store the --nix-option flags name', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root), ['--nix-option', 'store=unix:///nonexistent/aos-socket']);
    expect(r.json()).toMatchObject({ status: 'error', checks: [] });
    expect(r.json().reason).toContain('Nix cannot open its store');
  });
});

describe('symlink escape (toolchain-facts 5.3)', () => {
  it('refuses a patch writing through an untracked symlink that leaves the genome, and nothing is written outside', () => {
    const root = fixtureGenome();
    const outside = tempDir('aos-outside-');
    symlinkSync(outside, join(root, 'evil')); // untracked, not ignored: carried into the candidate
    const patch = 'diff --git a/evil/escaped.txt b/evil/escaped.txt\nnew file mode 100644\n--- /dev/null\n+++ b/evil/escaped.txt\n@@ -0,0 +1 @@\n+escaped\n';
    const r = verify(root, writeProposal({ changed_paths: ['evil/escaped.txt'], patch }));
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toContain('goes through the symlink "evil" in the candidate');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('refuses a patch that creates a symlink and writes through it in the same patch', () => {
    const root = fixtureGenome();
    const outside = tempDir('aos-outside-');
    const patch = [
      'diff --git a/out b/out', 'new file mode 120000', '--- /dev/null', '+++ b/out', '@@ -0,0 +1 @@', `+${outside}`, '\\ No newline at end of file',
      'diff --git a/out/x.txt b/out/x.txt', 'new file mode 100644', '--- /dev/null', '+++ b/out/x.txt', '@@ -0,0 +1 @@', '+x', '',
    ].join('\n');
    const r = verify(root, writeProposal({ changed_paths: ['out', 'out/x.txt'], patch }));
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toContain('mode 120000');
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('root fingerprint', () => {
  it('is stable across runs and ignores evidence sidecars and ledgers in memory/', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const mem = join(root, 'memory'); // the default location, inside the genome
    const first = verify(root, proposal, [], mem).json().root_fingerprint;
    mkdirSync(join(root, 'memory', 'evidence'), { recursive: true });
    writeFileSync(join(root, 'memory', 'evidence', 'p1.json'), '{}');
    const second = verify(root, proposal, [], mem).json().root_fingerprint;
    expect(second).toBe(first);
    expect(ledger(join(mem, 'mutation-results.jsonl'))).toHaveLength(2);
  });

  it('changes with the executable bit and with a symlink target', () => {
    const root = fixtureGenome(undefined, { 'run.sh': 'echo\n', 'link': { symlink: 'README.md' } });
    const fp = () => verify(root, readmeProposal(root)).json().root_fingerprint;
    const a = fp();
    chmodSync(join(root, 'run.sh'), 0o755);
    const b = fp();
    expect(b).not.toBe(a);
    const snap = treeSnapshot(root);
    expect(snap['run.sh']).toMatch(/^file:755/);
    const linkPath = join(root, 'link');
    rmSync(linkPath);
    symlinkSync('flake.nix', linkPath);
    expect(fp()).not.toBe(b);
  });
});
