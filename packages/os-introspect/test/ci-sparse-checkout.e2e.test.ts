import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, initRepo } from '../../../tests/support/git.js';
import { GENOME_TREE } from './fixtures/genome.js';
import { introspectCli, observe, sandbox } from './helpers.js';

const NOT_CHECKED_OUT = 'tracked by git but not checked out (a sparse checkout left it out of the work tree): not read';

/**
 * A CI job that checks out part of the repository (actions/checkout sparse-checkout, git
 * sparse-checkout set): the walk reads the work tree, so the files left out were simply absent
 * and the self-state described a partial genome as the whole one (hosts/alpha's configuration
 * "missing", no word of why). They are now skipped entries and a pain point; nothing about them
 * is reported as parsed.
 */
describe('os-introspect in a sparse checkout', () => {
  it('names the tracked .nix files left out, parses none of them, and a full checkout has none', () => {
    const s = sandbox({});
    initRepo(s.root, GENOME_TREE);
    git(s.root, ['sparse-checkout', 'set', 'modules', 'pkgs']);

    const sparse = observe(s);
    const leftOut = ['broken/bad.nix', 'hosts/alpha/configuration.nix', 'hosts/alpha/hardware.nix', 'hosts/beta.nix', 'style/trailing.nix'];
    expect(sparse.genome.skipped).toEqual(leftOut.map((path) => ({ path, reason: NOT_CHECKED_OUT })));
    expect(sparse.genome.nix_files.map((f) => f.path)).toEqual(['flake.nix', 'modules/default.nix', 'modules/identity.nix', 'modules/service.nix', 'pkgs/tool/default.nix']);
    expect(sparse.genome.parse_stats).toMatchObject({ files: 5, parsed: 5, syntax_errors: 0 });
    expect(sparse.pain_points.find((p) => p.signal === 'genome files not checked out')).toEqual({
      signal: 'genome files not checked out',
      evidence: leftOut,
      candidate: expect.stringContaining('git sparse-checkout disable'),
      source: 'genome',
    });
    // From a directory inside the cone: only what is under it.
    expect(observe(s, ['--root', join(s.root, 'modules')]).genome.skipped).toEqual([]);

    // The genome memo must not serve the sparse genome to the full checkout (or the reverse).
    git(s.root, ['sparse-checkout', 'disable']);
    const full = observe(s);
    expect(full.genome.skipped).toEqual([]);
    expect(full.genome.parse_stats).toMatchObject({ files: 10, syntax_errors: 1 });
    expect(full.pain_points.map((p) => p.signal)).not.toContain('genome files not checked out');
  });

  it('without git on PATH: an ordinary checkout needs none, a sparse one says its left-out files are unknown', () => {
    const s = sandbox({});
    initRepo(s.root, GENOME_TREE);
    const noGit = { PATH: '/nonexistent' }; // node runs by its absolute path
    const plain = introspectCli(s, ['--no-cache'], noGit);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.json().genome.skipped).toEqual([]);

    git(s.root, ['sparse-checkout', 'set', 'modules']);
    const sparse = introspectCli(s, ['--no-cache'], noGit);
    expect(sparse.code, sparse.stderr).toBe(0);
    expect(sparse.json().genome.skipped).toEqual([{ path: '.', reason: expect.stringMatching(/^a sparse checkout, whose left-out files git could not list: cannot run git: /) }]);
  });
});
