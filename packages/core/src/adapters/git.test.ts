import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git as testGit, initRepo } from '../../../../tests/support/git.js';
import { tempDir, writeTree } from '../../../../tests/support/tmp.js';
import { gitBlobId, indexWorkTreeFiles, initCandidateRepo, stageAll, stagePaths, writeTree as gitWriteTree } from './git-candidate.js';
import { parseNumstatZ, patchSummary } from './git-patch.js';
import { gitTopLevel, gitWorkingSetIfAny, gitWorkTree, listGitWorkingSet, listPlainWorkingSet } from './git-worktree.js';
import { git, gitEnv, unsafeRepositoryError } from './git.js';

describe('gitWorkTree', () => {
  it('describes the top level, the prefix, the objects and HEAD of a work tree, and nothing outside one', async () => {
    const root = tempDir();
    initRepo(root, { 'a.txt': 'a\n', 'sub/b.txt': 'b\n' });
    const top = await gitWorkTree(root);
    expect(top).toMatchObject({ toplevel: root, prefix: '', objectsDir: join(root, '.git', 'objects') });
    expect(top?.head).toMatch(/^[0-9a-f]{40}$/);
    expect(await gitTopLevel(join(root, 'sub'))).toEqual({ toplevel: root, prefix: 'sub/' });
    expect(await gitWorkTree(tempDir())).toBeUndefined();
    expect(await gitTopLevel(tempDir())).toBeUndefined();
    const unborn = tempDir();
    testGit(unborn, ['init', '-q']);
    expect((await gitWorkTree(unborn))?.head).toBeUndefined();
  });
});

describe('working-set listings', () => {
  it('lists tracked and untracked-not-ignored files of a git genome', async () => {
    const root = tempDir();
    initRepo(root, { '.gitignore': '*.log\n', 'tracked.nix': '1', 'gone.nix': '2', 'kept.log': 'tracked although ignored' });
    testGit(root, ['add', '-f', 'kept.log']);
    writeTree(root, { 'new.nix': '3', 'noise.log': 'x' });
    rmSync(join(root, 'gone.nix'));
    const files = (await listGitWorkingSet(root)).sort();
    expect(files).toEqual(['.gitignore', 'gone.nix', 'kept.log', 'new.nix', 'tracked.nix']);
  });

  it('lists a work tree in one process, and tells a directory outside any work tree apart', async () => {
    const root = tempDir();
    initRepo(root, { 'a.txt': 'a\n', 'sub/b.txt': 'b\n' });
    expect((await gitWorkingSetIfAny(root))?.paths.sort()).toEqual(['a.txt', 'sub/b.txt']);
    expect(await gitWorkingSetIfAny(join(root, 'sub'))).toEqual({ paths: ['b.txt'], skipWorktree: [] });
    expect(await gitWorkingSetIfAny(tempDir())).toBeUndefined();
    expect(await gitWorkingSetIfAny(join(root, '.git'))).toBeUndefined();
    const bare = tempDir();
    testGit(bare, ['init', '-q', '--bare']);
    expect(await gitWorkingSetIfAny(bare)).toBeUndefined();
  });

  it('tags the tracked files a sparse checkout leaves out (skip-worktree), untracked and nested repositories included in the listing', async () => {
    const root = tempDir();
    initRepo(root, { 'a.txt': 'a\n', 'out/b.txt': 'b\n', 'with space/c d.txt': 'c\n' });
    testGit(root, ['sparse-checkout', 'set', '--no-cone', '/*', '!/out/', '!/with space/']);
    writeTree(root, { 'new.txt': 'n\n' });
    mkdirSync(join(root, 'nested'));
    testGit(join(root, 'nested'), ['init', '-q']);
    const set = await gitWorkingSetIfAny(root);
    expect(set?.paths.sort()).toEqual(['a.txt', 'nested/', 'new.txt', 'out/b.txt', 'with space/c d.txt']);
    expect(set?.skipWorktree.sort()).toEqual(['out/b.txt', 'with space/c d.txt']);
  });

  it('honours .gitignore in a directory that is not a repository, writing nothing there', async () => {
    const root = tempDir();
    const scratch = tempDir();
    writeTree(root, { '.gitignore': 'ignored/\n*.tmp\n', 'a.nix': '1', 'ignored/x': '2', 'b.tmp': '3', 'sub/c.nix': '4', 'sub/.gitignore': 'd.nix\n', 'sub/d.nix': '5' });
    const before = readdirSync(root).sort();
    const files = (await listPlainWorkingSet(root, scratch)).sort();
    expect(files).toEqual(['.gitignore', 'a.nix', 'sub/.gitignore', 'sub/c.nix']);
    expect(readdirSync(root).sort()).toEqual(before);
  });
});

describe('candidate repositories', () => {
  it('fills an index from work-tree files fed while they are written, without writing objects, then stages changed paths', async () => {
    const cand = tempDir();
    await initCandidateRepo(cand);
    writeTree(cand, { 'a.txt': 'a\n', '.gitignore': '*.log\n' });
    const feed = indexWorkTreeFiles(cand);
    feed.add(['a.txt']);
    await new Promise((r) => setTimeout(r, 50)); // git reads the first path while the next file is written
    writeTree(cand, { 'b.log': 'b\n', 'sub dir/ü.txt': 'c\n' });
    feed.add(['.gitignore', 'b.log', 'sub dir/ü.txt']);
    await feed.end();
    const objects = () => readdirSync(join(cand, '.git', 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d));
    expect(objects()).toEqual([]);
    expect((await git(cand, ['status', '--porcelain', '-uno'], { hermetic: true })).toString()).toBe('A  .gitignore\nA  a.txt\nA  b.log\nA  "sub dir/\\303\\274.txt"\n');
    const tree = await gitWriteTree(cand);
    // The same tree git computes when it stages the files itself.
    const check = tempDir();
    writeTree(check, { 'a.txt': 'a\n', 'b.log': 'b\n', '.gitignore': '*.log\n', 'sub dir/ü.txt': 'c\n' });
    await initCandidateRepo(check);
    expect(await stageAll(check)).toBe(tree);
    writeFileSync(join(cand, 'a.txt'), 'changed\n');
    rmSync(join(cand, 'b.log'));
    await stagePaths(cand, ['a.txt', 'b.log', 'never-existed']);
    const staged = (await git(cand, ['ls-files', '-s'], { hermetic: true })).toString();
    expect(staged).toContain(`${gitBlobId(Buffer.from('changed\n'))} 0\ta.txt`);
    expect(staged).not.toContain('b.log');
  });

  it('computes the tree id from a copy of the index, leaving the index itself alone', async () => {
    const cand = tempDir();
    writeTree(cand, { 'a.txt': 'a\n', 'link': { symlink: '/etc' } });
    await initCandidateRepo(cand);
    await stagePaths(cand, ['a.txt', 'link']);
    const index = join(cand, '.git', 'index');
    const before = readFileSync(index);
    const copy = join(tempDir(), 'tree.index');
    writeFileSync(copy, before);
    const tree = await gitWriteTree(cand, copy);
    expect(readFileSync(index)).toEqual(before);
    expect(tree).toBe(await gitWriteTree(cand));
    expect((await git(cand, ['ls-files', '-s'], { hermetic: true })).toString()).toContain(`120000 ${gitBlobId(Buffer.from('/etc'))} 0\tlink`);
  });

  it('reports a failed indexing when the feed ends', async () => {
    const cand = tempDir();
    await initCandidateRepo(cand);
    const feed = indexWorkTreeFiles(cand);
    feed.add(['missing.txt']);
    await expect(feed.end()).rejects.toThrow(/update-index .*failed/);
  });

  it('reports the paths git apply would write, and its summary of renames', async () => {
    const dir = tempDir();
    initRepo(dir, { 'old.txt': 'x\n', 'keep.txt': 'k\n' });
    testGit(dir, ['mv', 'old.txt', 'new.txt']);
    writeFileSync(join(dir, 'keep.txt'), 'k2\n');
    testGit(dir, ['add', '-A']);
    const patch = testGit(dir, ['diff', '--cached', '-M']);
    testGit(dir, ['reset', '-q', '--hard']);
    mkdirSync(join(dir, 'p'));
    writeFileSync(join(dir, 'p', 'x.diff'), patch);
    const s = await patchSummary(dir, join(dir, 'p', 'x.diff'));
    // git names only the destination of a pure rename in --numstat; --summary names both sides.
    expect(s.paths.sort()).toEqual(['keep.txt', 'new.txt']);
    expect(s.summary.join('\n')).toContain('rename old.txt => new.txt');
  });

  it('parses numstat -z records', () => {
    expect(parseNumstatZ(Buffer.from('1\t2\ta b.txt\0-\t-\tbin\0' + '0\t0\t\0from\0to\0'))).toEqual(['a b.txt', 'bin', 'from', 'to']);
  });
});

describe('gitEnv', () => {
  it('drops inherited GIT_* variables and pins hermetic config for candidates', () => {
    const env = gitEnv(true, { PATH: '/bin', GIT_DIR: '/live/.git', GIT_INDEX_FILE: '/live/.git/index' });
    expect(env.GIT_DIR).toBeUndefined();
    expect(env.GIT_INDEX_FILE).toBeUndefined();
    expect(env.GIT_CONFIG_GLOBAL).toBe('/dev/null');
    expect(env.GIT_OPTIONAL_LOCKS).toBe('0');
    expect(gitEnv(false, { PATH: '/bin' }).GIT_CONFIG_GLOBAL).toBeUndefined();
  });

  it('keeps the variables that choose the user configuration for live reads only', () => {
    const base = { GIT_DIR: '/live/.git', GIT_WORK_TREE: '/live', GIT_CONFIG_GLOBAL: '/ci/gitconfig', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*', GIT_CONFIG_PARAMETERS: "'core.hookspath'='/h'" };
    const live = gitEnv(false, base);
    expect([live.GIT_DIR, live.GIT_WORK_TREE]).toEqual([undefined, undefined]);
    expect([live.GIT_CONFIG_GLOBAL, live.GIT_CONFIG_COUNT, live.GIT_CONFIG_KEY_0, live.GIT_CONFIG_VALUE_0]).toEqual(['/ci/gitconfig', '1', 'safe.directory', '*']);
    expect(live.GIT_CONFIG_PARAMETERS).toBe(base.GIT_CONFIG_PARAMETERS);
    const candidate = gitEnv(true, base);
    expect(candidate.GIT_CONFIG_GLOBAL).toBe('/dev/null');
    expect(candidate.GIT_CONFIG_PARAMETERS).toBeUndefined();
    // The only configuration a candidate gets: no default global attributes file.
    expect([candidate.GIT_CONFIG_COUNT, candidate.GIT_CONFIG_KEY_0, candidate.GIT_CONFIG_VALUE_0]).toEqual(['1', 'core.attributesFile', '/dev/null']);
  });

  it('keeps a system configuration (a CI image may trust its checkouts there) and a tenth -c pair, and nothing else named GIT_CONFIG*', () => {
    const base = { GIT_CONFIG_SYSTEM: '/ci/system-gitconfig', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_COUNT: '11', GIT_CONFIG_KEY_10: 'safe.directory', GIT_CONFIG_VALUE_10: '/ci/genome', GIT_CONFIG: '/x/config', GIT_CONFIG_GLOBALS: '/x' };
    const live = gitEnv(false, base);
    expect([live.GIT_CONFIG_SYSTEM, live.GIT_CONFIG_NOSYSTEM, live.GIT_CONFIG_KEY_10, live.GIT_CONFIG_VALUE_10]).toEqual(['/ci/system-gitconfig', '1', 'safe.directory', '/ci/genome']);
    expect([live.GIT_CONFIG, live.GIT_CONFIG_GLOBALS]).toEqual([undefined, undefined]);
    const candidate = gitEnv(true, base);
    expect([candidate.GIT_CONFIG_SYSTEM, candidate.GIT_CONFIG_KEY_10, candidate.GIT_CONFIG_NOSYSTEM]).toEqual([undefined, undefined, '1']);
  });
});

describe('unsafeRepositoryError', () => {
  it("names the repository and the shell-quoted safe.directory remedy, in both of git's wordings", () => {
    const now = "fatal: detected dubious ownership in repository at '/ci/my genome'\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory '/ci/my genome'\n";
    const old = "fatal: unsafe repository ('/ci/my genome' is owned by someone else)\nTo add an exception for this directory, call:\n";
    for (const stderr of [now, old]) {
      const e = unsafeRepositoryError(stderr);
      expect(e?.code).toBe('git-unsafe-repository');
      expect(e?.message).toBe(`git refuses to read the repository at /ci/my genome: it is owned by another user ("dubious ownership"); run as its owner, or trust it with: git config --global --add safe.directory '/ci/my genome'`);
    }
    expect(unsafeRepositoryError('fatal: not a git repository (or any of the parent directories): .git')).toBeUndefined();
  });

  it('is what git() throws for a repository git refuses as another user\'s, not a bare git-failed', async () => {
    const root = tempDir();
    testGit(root, ['init', '-q']);
    // git's own switch for "owned by someone else" (its test suite's), so no chown is needed.
    const refused = git(root, ['rev-parse', '--git-dir'], { env: { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1' } });
    await expect(refused).rejects.toMatchObject({ code: 'git-unsafe-repository', details: { repository: root } });
  });
});
