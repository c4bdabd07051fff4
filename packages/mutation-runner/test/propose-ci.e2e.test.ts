// `propose` in the checkouts CI jobs make: sparse (actions/checkout sparse-checkout), with the
// repository's own hooks installed, and shallow (actions/checkout's default fetch-depth: 1).
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../../../tests/support/git.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { exampleGenome } from './evolve-support.js';
import { memoryDir, repoSnapshot, runner } from './support.js';

const propose = (root: string, args: string[], env: Record<string, string> = {}) => runner(['propose', '--goal', 'g', '--root', root, '--memory-dir', memoryDir(), ...args], { env });

describe('propose in a sparse checkout', () => {
  it('refuses a work tree whose tracked files are not checked out (it proposed deleting every one of them), naming them and the remedy', () => {
    const root = exampleGenome();
    git(root, ['sparse-checkout', 'set', 'modules']); // cone mode: top-level files and modules/ only
    expect(existsSync(join(root, 'hosts', 'seed', 'configuration.nix'))).toBe(false);
    writeFileSync(join(root, 'README.md'), 'changed in the cone\n');
    const before = repoSnapshot(root);
    const out = join(tempDir(), 'pending');
    const r = propose(root, ['--out-dir', out]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[genome-not-checked-out\]: \d+ tracked files are not checked out \(a sparse checkout\): hosts\/seed\/configuration\.nix, lib\/checks\.nix, /m);
    expect(r.stderr).toMatch(/^error\[genome-not-checked-out\]: .*; a proposal from the work tree would delete them$/m);
    expect(r.stderr).toMatch(/^hint: Check out the whole genome first: git sparse-checkout disable \(in CI, no sparse-checkout\); git ls-files -t shows the files left out tagged S/m);
    expect(existsSync(out)).toBe(false);
    expect(repoSnapshot(root)).toEqual(before);

    // Checked out in full, the same change is proposed as itself, and nothing else.
    git(root, ['sparse-checkout', 'disable']);
    const ok = propose(root, ['--out-dir', out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json().changed_paths).toEqual(['README.md']);
  });

  it('proposes as usual when every skip-worktree file is present (the user\'s version of it is the change)', () => {
    const root = exampleGenome();
    git(root, ['update-index', '--skip-worktree', 'README.md']);
    writeFileSync(join(root, 'README.md'), 'changed behind skip-worktree\n');
    const r = propose(root, ['--out-dir', join(tempDir(), 'pending')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual(['README.md']);
  });

  it('proposes a commit range whatever the checkout leaves out (the work tree plays no part)', () => {
    const root = exampleGenome();
    writeFileSync(join(root, 'README.md'), 'committed change\n');
    git(root, ['commit', '-qam', 'change']);
    git(root, ['sparse-checkout', 'set', 'modules']);
    const r = propose(root, ['--from', 'HEAD~1..HEAD', '--out-dir', join(tempDir(), 'pending')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual(['README.md']);
  });
});

describe("propose and the repository's hooks", () => {
  /** A post-index-change hook in `dir` that leaves a mark in `marks` when git runs it. */
  function markingHook(dir: string, marks: string): void {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'post-index-change'), `#!/bin/sh\necho "post-index-change $*" >> '${marks}'\n`);
    chmodSync(join(dir, 'post-index-change'), 0o755);
  }

  it('runs none of them while it writes its private index (it ran post-index-change three times), from .git/hooks or core.hooksPath', () => {
    const root = exampleGenome();
    const marks = join(tempDir(), 'MARKS');
    markingHook(join(root, '.git', 'hooks'), marks);
    const userHooks = join(tempDir(), 'hooks');
    markingHook(userHooks, marks);
    // The hook is live: git itself runs it on an index write.
    git(root, ['read-tree', 'HEAD']);
    expect(readFileSync(marks, 'utf8')).toMatch(/^post-index-change /);
    rmSync(marks);
    writeFileSync(join(root, 'README.md'), 'changed\n');
    writeFileSync(join(root, 'new.txt'), 'untracked, proposed\n');
    const envs: Record<string, string>[] = [{}, { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.hooksPath', GIT_CONFIG_VALUE_0: userHooks }];
    for (const env of envs) {
      const r = propose(root, ['--out-dir', join(tempDir(), 'pending')], env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json().changed_paths).toEqual(['README.md', 'new.txt']);
      expect(existsSync(marks) ? readFileSync(marks, 'utf8') : '').toBe('');
    }
  });
});

describe("propose and the repository's file-system monitor", () => {
  it('leaves core.fsmonitor to the reads of the live index (as git status does): it never runs on the private index', () => {
    const root = exampleGenome();
    const marks = join(tempDir(), 'MARKS');
    const monitor = join(tempDir(), 'fsmonitor');
    // Records which index git asked about; exit 1 makes git fall back to scanning, as with no monitor.
    writeFileSync(monitor, `#!/bin/sh\necho "index=\${GIT_INDEX_FILE:-live}" >> '${marks}'\nexit 1\n`);
    chmodSync(monitor, 0o755);
    git(root, ['config', 'core.fsmonitor', monitor]);
    git(root, ['status', '--porcelain']);
    expect(readFileSync(marks, 'utf8')).toMatch(/^index=live$/m); // the monitor is live
    rmSync(marks);
    writeFileSync(join(root, 'README.md'), 'changed\n');
    const r = propose(root, ['--out-dir', join(tempDir(), 'pending')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual(['README.md']);
    const asked = existsSync(marks) ? readFileSync(marks, 'utf8').trim().split('\n') : [];
    expect(asked.filter((m) => m !== 'index=live')).toEqual([]); // it ran 6 times on the private index
  });
});

describe('propose --from in a shallow clone (actions/checkout fetch-depth: 1)', () => {
  it('says the clone is shallow and how to deepen it when a side of the range is not fetched (it said only "HEAD~1 is not a commit")', () => {
    const origin = exampleGenome();
    writeFileSync(join(origin, 'README.md'), 'second commit\n');
    git(origin, ['commit', '-qam', 'second']);
    const clone = join(tempDir(), 'clone');
    git(tempDir(), ['clone', '-q', '--depth', '1', `file://${origin}`, clone]);
    const r = propose(clone, ['--from', 'HEAD~1..HEAD', '--out-dir', join(tempDir(), 'pending')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[range-unknown]: --from "HEAD~1..HEAD": HEAD~1 is not a commit of ${clone}\n`);
    expect(r.stderr).toMatch(/^hint: .*If the commit exists upstream, the clone is shallow: git fetch --unshallow \(or fetch-depth: 0 in actions\/checkout\)/m);

    // A full repository missing the commit gets no word of shallowness.
    const full = propose(origin, ['--from', 'HEAD~5..HEAD', '--out-dir', join(tempDir(), 'pending')]);
    expect(full.code).toBe(2);
    expect(full.stderr).toContain('error[range-unknown]');
    expect(full.stderr).not.toContain('shallow');

    // The remedy works.
    git(clone, ['fetch', '-q', '--unshallow']);
    const ok = propose(clone, ['--from', 'HEAD~1..HEAD', '--out-dir', join(tempDir(), 'pending')]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json().changed_paths).toEqual(['README.md']);
  });
});
