// Patch shapes P1 must apply exactly as git does (plain `git apply` in the candidate): for each,
// the candidate's staged tree must be the very tree git computes for the intended result, which
// proves names, bytes and modes at once.
import { randomFillSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../../../tests/support/git.js';
import { tempDir, type TreeEntry } from '../../../tests/support/tmp.js';
import { fixtureGenome, keptCandidates, makePatch, memoryDir, runner, writeProposal } from './support.js';

function bytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  randomFillSync(b);
  b[0] = seed;
  b[1] = 0; // a NUL byte: git treats the file as binary
  return b;
}

function expectAppliesExactly(initial: Record<string, TreeEntry>, changed: string[], change: (w: string) => void) {
  const root = fixtureGenome(undefined, initial);
  const { patch, expected } = makePatch(root, change);
  const expectedTree = git(expected, ['write-tree']).trim();
  const work = tempDir();
  const r = runner(['verify', '--proposal', writeProposal({ changed_paths: changed, patch }), '--root', root, '--memory-dir', memoryDir(), '--work-dir', work, '--keep-worktree']);
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  const record = r.json();
  expect(record.status).toBe('verified');
  expect(record.candidate_tree).toBe(`git-tree:${expectedTree}`);
  const [cand] = keptCandidates(work);
  // The work tree itself agrees with its index: no file differs from what was staged.
  expect(git(cand!, ['diff', '--name-only'])).toBe('');
  return { patch, root };
}

describe('patch shapes', () => {
  it('create and delete', () => {
    expectAppliesExactly({ 'old.txt': 'old\n' }, ['new.txt', 'old.txt'], (w) => {
      writeFileSync(join(w, 'new.txt'), 'new\n');
      rmSync(join(w, 'old.txt'));
    });
  });

  it('rename (pure and with changes), both sides listed in changed_paths', () => {
    const { patch } = expectAppliesExactly({ 'a/one.txt': 'one\n', 'a/two.txt': 'line 1\nline 2\nline 3\nline 4\n' }, ['a/one.txt', 'b/one.txt', 'a/two.txt', 'b/two.txt'], (w) => {
      renameSync(join(w, 'a/one.txt'), join(w, 'b-one.tmp'));
      git(w, ['mv', '-f', 'a/two.txt', 'two.tmp']);
      git(w, ['add', '-A']);
      mkdirSync(join(w, 'b'));
      renameSync(join(w, 'b-one.tmp'), join(w, 'b/one.txt'));
      renameSync(join(w, 'two.tmp'), join(w, 'b/two.txt'));
      writeFileSync(join(w, 'b/two.txt'), 'line 1\nline 2\nline 3\nline 4 changed\n');
    });
    expect(patch).toContain('rename from a/one.txt');
  });

  it('refuses a rename whose source is not in changed_paths', () => {
    const root = fixtureGenome(undefined, { 'x.txt': 'x\n' });
    const { patch } = makePatch(root, (w) => renameSync(join(w, 'x.txt'), join(w, 'y.txt')));
    const r = runner(['verify', '--proposal', writeProposal({ changed_paths: ['y.txt'], patch }), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.json().reason).toBe('patch path "x.txt" is not listed in changed_paths');
  });

  it('mode change (not a symlink)', () => {
    const { patch } = expectAppliesExactly({ 'run.sh': '#!/bin/sh\necho hi\n' }, ['run.sh'], (w) => chmodSync(join(w, 'run.sh'), 0o755));
    expect(patch).toContain('new mode 100755');
  });

  it('binary files from git diff --binary', () => {
    const { patch } = expectAppliesExactly({ 'blob.bin': bytes(3000, 1) }, ['blob.bin', 'new.bin'], (w) => {
      writeFileSync(join(w, 'blob.bin'), bytes(3000, 2));
      writeFileSync(join(w, 'new.bin'), bytes(500, 3));
    });
    expect(patch).toContain('GIT binary patch');
  });

  it('refuses a binary change without its data (git diff without --binary)', () => {
    const root = fixtureGenome(undefined, { 'blob.bin': bytes(100, 1) });
    const patch = 'diff --git a/blob.bin b/blob.bin\nindex 1111111..2222222 100644\nBinary files a/blob.bin and b/blob.bin differ\n';
    const r = runner(['verify', '--proposal', writeProposal({ changed_paths: ['blob.bin'], patch }), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.json().reason).toContain('regenerate it with git diff --binary');
  });

  it('CRLF files', () => {
    const { patch } = expectAppliesExactly({ 'win.txt': 'one\r\ntwo\r\nthree\r\n' }, ['win.txt'], (w) => writeFileSync(join(w, 'win.txt'), 'one\r\nTWO\r\nthree\r\n'));
    expect(patch).toContain('+TWO\r\n');
  });

  it("a genome whose .gitattributes normalises line endings: git hashes the candidate's files itself, as git add would", () => {
    // The index holds LF blobs for work-tree files with CRLF; an index seeded from the raw bytes
    // would disagree with git (and its refresh would fail).
    expectAppliesExactly({ '.gitattributes': '* text=auto\n', 'dos.txt': 'a\r\nb\r\n', 'edit.txt': 'x\n' }, ['edit.txt'], (w) => writeFileSync(join(w, 'edit.txt'), 'y\n'));
  });

  it('no newline at end of file', () => {
    const { patch } = expectAppliesExactly({ 'tail.txt': 'a\nb' }, ['tail.txt', 'added.txt'], (w) => {
      writeFileSync(join(w, 'tail.txt'), 'a\nc');
      writeFileSync(join(w, 'added.txt'), 'no newline');
    });
    expect(patch).toContain('\\ No newline at end of file');
  });

  it('multi-file patches across directories, with spaces and non-ASCII names', () => {
    expectAppliesExactly({ 'x/a b.txt': 'a\n', 'y/ü.nix': '{ }\n' }, ['x/a b.txt', 'y/ü.nix', 'z/c.txt'], (w) => {
      writeFileSync(join(w, 'x/a b.txt'), 'a2\n');
      writeFileSync(join(w, 'y/ü.nix'), '{ a = 1; }\n');
      mkdirSync(join(w, 'z'));
      writeFileSync(join(w, 'z/c.txt'), 'c\n');
    });
  });
});

describe('patches as users make them', () => {
  it('git format-patch output, its "-- " signature included (jsdiff refused it: "Hunk at line N has more lines than expected")', () => {
    const root = fixtureGenome(undefined, { 'one.txt': 'one\n', 'two.txt': 'two\n' });
    const { expected } = makePatch(root, (w) => {
      writeFileSync(join(w, 'one.txt'), 'one changed\n');
      writeFileSync(join(w, 'two.txt'), 'two changed\n');
    });
    const expectedTree = git(expected, ['write-tree']).trim();
    // Two commits in one mbox: a signature ends each message.
    git(expected, ['reset', '-q']);
    git(expected, ['add', 'one.txt']);
    git(expected, ['commit', '-qm', 'one']);
    git(expected, ['add', 'two.txt']);
    git(expected, ['commit', '-qm', 'two']);
    const patch = git(expected, ['format-patch', '--stdout', 'HEAD~2']);
    expect(patch).toMatch(/^-- \n/m);
    const r = runner(['verify', '--proposal', writeProposal({ changed_paths: ['one.txt', 'two.txt'], patch }), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().candidate_tree).toBe(`git-tree:${expectedTree}`);
  });

  it('a patch that is not a signature after "-- " is still refused as malformed', () => {
    const root = fixtureGenome(undefined, { 'one.txt': 'one\n' });
    const patch = 'diff --git a/one.txt b/one.txt\n--- a/one.txt\n+++ b/one.txt\n@@ -1 +1 @@\n-one\n+uno\n-- \n+extra\n';
    const r = runner(['verify', '--proposal', writeProposal({ changed_paths: ['one.txt'], patch }), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code).toBe(1);
    expect(r.json().reason).toMatch(/^patch is malformed: Hunk at line 4 has more lines than expected/);
  });

  it('diff -u x.orig x from one directory up: only x need be listed, the one file git apply changes (x.orig was "not listed in changed_paths")', () => {
    const root = fixtureGenome(undefined, { 'sub/x.txt': 'x\n' });
    writeFileSync(join(root, 'sub/x.txt.orig'), 'x\n');
    writeFileSync(join(root, 'sub/x.txt'), 'y\n');
    const patch = spawnSync('diff', ['-u', 'genome/sub/x.txt.orig', 'genome/sub/x.txt'], { cwd: join(root, '..'), encoding: 'utf8' }).stdout;
    rmSync(join(root, 'sub/x.txt.orig'));
    writeFileSync(join(root, 'sub/x.txt'), 'x\n');
    const { expected } = makePatch(root, (w) => writeFileSync(join(w, 'sub/x.txt'), 'y\n'));
    const r = runner(['verify', '--proposal', writeProposal({ changed_paths: ['sub/x.txt'], patch }), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json().candidate_tree).toBe(`git-tree:${git(expected, ['write-tree']).trim()}`);
  });

  it.each([
    ['diff -u from the genome root', (root: string) => spawnSync('diff', ['-u', 'sub/x.txt.orig', 'sub/x.txt'], { cwd: root, encoding: 'utf8' }).stdout],
    ['git diff --no-prefix', (root: string) => git(root, ['diff', '--no-prefix'])],
  ])('%s, with the true paths in changed_paths: the reason says git apply stripped the first component (it said only "x.txt is not listed")', (_how, diff) => {
    const root = fixtureGenome(undefined, { 'sub/x.txt': 'x\n' });
    writeFileSync(join(root, 'sub/x.txt.orig'), 'x\n');
    writeFileSync(join(root, 'sub/x.txt'), 'y\n');
    const patch = diff(root);
    rmSync(join(root, 'sub/x.txt.orig'));
    writeFileSync(join(root, 'sub/x.txt'), 'x\n');
    const r = runner(['verify', '--proposal', writeProposal({ changed_paths: ['sub/x.txt'], patch }), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toMatch(/^patch path "(x\.txt(\.orig)?)" is not listed in changed_paths, which lists "sub\/x\.txt": git apply strips the first component of every patch path \(-p1\).* lost "sub\/"; make it with git diff --binary/);
  });
});

describe('a patch that creates a file the live genome already has (untracked)', () => {
  const created = (root: string) => makePatch(root, (w) => writeFileSync(join(w, 'new.txt'), 'new\n')).patch;

  it('with other content: git\'s complaint alone (it was told its paths had no a/ and b/ prefix, since b/new.txt "applies with -p0")', () => {
    const root = fixtureGenome();
    const patch = created(root);
    writeFileSync(join(root, 'new.txt'), 'mine\n');
    const r = runner(['verify', '--proposal', writeProposal({ changed_paths: ['new.txt'], patch }), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code).toBe(1);
    expect(r.json().reason).toBe('patch application failed: error: new.txt: already exists in working directory');
  });

  it('with the same content: the change is already there', () => {
    const root = fixtureGenome();
    const patch = created(root);
    writeFileSync(join(root, 'new.txt'), 'new\n');
    const r = runner(['verify', '--proposal', writeProposal({ changed_paths: ['new.txt'], patch }), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code).toBe(1);
    expect(r.json().reason).toMatch(/^patch application failed: error: new\.txt: already exists in working directory; the change is already in the genome's working tree/);
  });
});
