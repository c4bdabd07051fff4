import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliVia } from '../../../tests/support/cli.js';
import { git, initRepo } from '../../../tests/support/git.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { onTmpfs } from '../../../tests/support/tmpfs.js';
import { EXAMPLE_GENOME, exampleGenome } from './evolve-support.js';
import { ledger, memoryDir, repoSnapshot, runner, writeProposal } from './support.js';

const HOST_FILE = 'hosts/seed/configuration.nix';
const setHost = (root: string, value: string) => {
  const file = join(root, HOST_FILE);
  writeFileSync(file, readFileSync(file, 'utf8').replace('"seed-01"', value));
};
const propose = (root: string, args: string[], mem = memoryDir()) => runner(['propose', '--root', root, '--memory-dir', mem, ...args]);
const pending = (root: string) => readdirSync(join(root, 'mutations', 'pending')).filter((n) => !n.startsWith('mut-example-'));

describe('mutation-runner propose: round trip through verify', () => {
  it('makes a proposal from the work tree that verify accepts, and leaves the work tree, index and objects as they were', () => {
    const root = exampleGenome();
    setHost(root, '"seed-02"');
    writeFileSync(join(root, 'modules', 'motd-text.nix'), '{ ... }: { }\n'); // untracked, not ignored: proposed too
    const out = join(tempDir('aos-out-'), 'pending');
    const before = repoSnapshot(root);
    const r = propose(root, ['--goal', 'rename the seed host', '--out-dir', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(repoSnapshot(root)).toEqual(before);
    const res = r.json();
    expect(res.changed_paths).toEqual([HOST_FILE, 'modules/motd-text.nix']);
    expect(res.expected_checks).toEqual([`nix-parse:${HOST_FILE}`, 'nix-parse:modules/motd-text.nix']);
    const proposal = JSON.parse(readFileSync(res.proposal_path, 'utf8'));
    expect(proposal).toMatchObject({ schema_version: '0.1.0', mutation_id: res.mutation_id, goal: 'rename the seed host', phase: 'P1-draft', patch_path: 'patch.diff' });
    expect(proposal.expected_checks[0]).toEqual({ name: `nix-parse:${HOST_FILE}`, command: 'nix-instantiate', args: ['--parse', HOST_FILE] });
    const patch = readFileSync(res.patch_path, 'utf8');
    expect(patch).toContain('+  autopoietic.identity.host = "seed-02";');
    expect(patch).toContain('new file mode 100644');

    // Verify builds its candidate from the live work tree: set the change aside first.
    git(root, ['checkout', '--', '.']);
    git(root, ['clean', '-fdq']);
    const mem = memoryDir();
    const v = runner(['verify', '--root', root, '--memory-dir', mem, '--proposal', res.proposal_path]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.json()).toMatchObject({ status: 'verified', mutation_id: res.mutation_id, proposal_fingerprint: res.proposal_fingerprint });
    expect(v.json().checks.map((c: any) => c.name)).toEqual(['apply-patch', 'nix-flake-check', `nix-parse:${HOST_FILE}`, 'nix-parse:modules/motd-text.nix']);
  });

  it('proposes a commit range (--from A..B) and a diff file (--patch) the same way', () => {
    const root = exampleGenome();
    git(root, ['checkout', '-q', '-b', 'feature']);
    setHost(root, '"seed-03"');
    git(root, ['commit', '-qam', 'rename']);
    git(root, ['checkout', '-q', 'main']);
    const fromRange = propose(root, ['--goal', 'rename', '--from', 'main..feature', '--mutation-id', 'mut-range']);
    expect(fromRange.code, fromRange.stderr).toBe(0);
    expect(fromRange.json()).toMatchObject({ mutation_id: 'mut-range', source: 'git diff main..feature', changed_paths: [HOST_FILE] });
    expect(existsSync(join(root, 'mutations', 'pending', 'mut-range', 'patch.diff'))).toBe(true);

    const diffFile = join(tempDir(), 'change.diff');
    writeFileSync(diffFile, git(root, ['diff', '--binary', 'main', 'feature']));
    const fromFile = propose(root, ['--goal', 'rename', '--patch', diffFile, '--mutation-id', 'mut-file', '--check', 'host-file=test -f hosts/seed/configuration.nix']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.json().expected_checks).toEqual([`nix-parse:${HOST_FILE}`, 'host-file']);
    const mem = memoryDir();
    for (const id of ['mut-range', 'mut-file']) {
      const v = runner(['verify', '--root', root, '--memory-dir', mem, '--proposal', join(root, 'mutations', 'pending', id, 'proposal.json')]);
      expect(v.code, v.stderr).toBe(0);
    }
    expect(ledger(join(mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['verified', 'verified']);
  });

  it('never proposes its own earlier proposals, nor memory ledgers', () => {
    const root = exampleGenome();
    setHost(root, '"seed-02"');
    const mem = join(root, 'memory');
    writeFileSync(join(root, 'scratch.txt'), 'x\n');
    expect(propose(root, ['--goal', 'one', '--mutation-id', 'mut-one'], mem).code).toBe(0);
    const second = propose(root, ['--goal', 'two', '--mutation-id', 'mut-two'], mem);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json().changed_paths).toEqual([HOST_FILE, 'scratch.txt']);
    expect(second.json().left_out.map((l: any) => l.path)).toEqual(['mutations/pending/mut-one/patch.diff', 'mutations/pending/mut-one/proposal.json']);
  });
});

describe('mutation-runner propose: a genome that is a subdirectory of a bigger repository', () => {
  /** The example genome as `os/` of a repository that holds other things too. */
  const nestedGenome = () => {
    const repo = join(tempDir('aos-monorepo-'), 'repo');
    mkdirSync(repo);
    cpSync(EXAMPLE_GENOME, join(repo, 'os'), { recursive: true });
    initRepo(repo, { 'README-top.md': 'top\n' });
    return { repo, root: join(repo, 'os') };
  };

  it('proposes the genome\'s own changes with genome-relative paths, work tree and range alike (it proposed os/... and files outside the genome)', () => {
    const { repo, root } = nestedGenome();
    setHost(root, '"seed-02"');
    writeFileSync(join(repo, 'README-top.md'), 'top, changed outside the genome\n');
    writeFileSync(join(repo, 'outside-new.txt'), 'untracked outside the genome\n');
    writeFileSync(join(root, 'inside-new.txt'), 'untracked inside\n');
    const r = propose(root, ['--goal', 'rename', '--mutation-id', 'mut-nested']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual([HOST_FILE, 'inside-new.txt']);
    expect(readFileSync(r.json().patch_path, 'utf8')).toContain(`diff --git a/${HOST_FILE} b/${HOST_FILE}`);

    git(repo, ['add', '-A', 'os/hosts', 'README-top.md']);
    git(repo, ['commit', '-qm', 'rename']);
    const range = propose(root, ['--goal', 'rename', '--from', 'HEAD~1..HEAD', '--mutation-id', 'mut-nested-range']);
    expect(range.code, range.stderr).toBe(0);
    expect(range.json().changed_paths).toEqual([HOST_FILE]);

    // Set the change aside (the candidate starts from the work tree) and verify both.
    git(repo, ['reset', '-q', '--hard', 'HEAD~1']);
    rmSync(join(root, 'inside-new.txt'));
    const mem = memoryDir();
    for (const id of ['mut-nested', 'mut-nested-range']) {
      const v = runner(['verify', '--root', root, '--memory-dir', mem, '--proposal', join(root, 'mutations', 'pending', id, 'proposal.json')]);
      expect(v.code, v.stderr).toBe(0);
    }
  });
});

describe('mutation-runner propose: an untracked file whose name is not UTF-8', () => {
  it('is left out and listed, and the rest is proposed (git failed: "pathspec \'bad\uFFFDname.txt\' did not match any files")', () => {
    const root = exampleGenome();
    setHost(root, '"seed-02"');
    writeFileSync(Buffer.concat([Buffer.from(`${root}/bad`), Buffer.from([0xff]), Buffer.from('name.txt')]), 'x\n');
    const r = propose(root, ['--goal', 'rename', '--mutation-id', 'mut-bytes']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual([HOST_FILE]);
    expect(r.json().left_out).toEqual([{ path: 'bad\uFFFDname.txt', why: expect.stringContaining('not UTF-8') }]);
  });
});

describe('mutation-runner propose and verify: a diff -u made from the genome root (no a/ b/ prefixes)', () => {
  it('propose refuses it saying why, and verify of such a patch says it applies only with -p0 (propose accepted it, and verify said only "seed/configuration.nix: No such file")', () => {
    const root = exampleGenome();
    const file = join(root, HOST_FILE);
    writeFileSync(`${file}.orig`, readFileSync(file));
    setHost(root, '"seed-02"');
    const diff = spawnSync('diff', ['-u', `${HOST_FILE}.orig`, HOST_FILE], { cwd: root, encoding: 'utf8' }).stdout;
    writeFileSync(file, readFileSync(`${file}.orig`));
    rmSync(`${file}.orig`);
    const patch = join(tempDir(), 'plain.diff');
    writeFileSync(patch, diff);
    const r = propose(root, ['--goal', 'rename', '--patch', patch]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[proposal-refused\]: verify would reject this diff: the patch applies only with -p0/m);
    expect(pending(root)).toEqual([]);

    const v = runner(['verify', '--root', root, '--memory-dir', memoryDir(), '--proposal', writeProposal({ changed_paths: ['seed/configuration.nix.orig', 'seed/configuration.nix'], patch: diff })]);
    expect(v.code).toBe(1);
    expect(v.json().status).toBe('rejected');
    expect(v.json().reason).toMatch(/^patch application failed: error: seed\/configuration\.nix: No such file or directory; the patch applies only with -p0/);
  });
});

describe('mutation-runner propose --patch: a git diff whose new file is still in the work tree', () => {
  it('is proposed, not refused as a -p0 diff (the new file applies with -p0 too, as b/<file>)', () => {
    const root = exampleGenome();
    writeFileSync(join(root, 'modules', 'extra.nix'), '{ ... }: { }\n');
    git(root, ['add', '-N', 'modules/extra.nix']);
    const patch = join(tempDir(), 'new-file.diff');
    writeFileSync(patch, git(root, ['diff', '--binary']));
    git(root, ['reset', '-q', 'modules/extra.nix']);
    const r = propose(root, ['--goal', 'add a module', '--patch', patch, '--mutation-id', 'mut-new-file']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual(['modules/extra.nix']);
    expect(pending(root)).toEqual(['mut-new-file']);
  });
});

describe('mutation-runner propose: a genome with a git submodule', () => {
  it('leaves a changed submodule out (listed), since no candidate carries submodules (it proposed "Subproject commit …-dirty", which verify could only reject)', () => {
    const lib = join(tempDir('aos-submodule-'), 'lib');
    mkdirSync(lib);
    initRepo(lib, { 'lib.txt': 'lib\n' });
    const root = exampleGenome();
    git(root, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', lib, 'vendor/lib']);
    git(root, ['commit', '-qm', 'add a submodule']);
    setHost(root, '"seed-02"');
    writeFileSync(join(root, 'vendor', 'lib', 'lib.txt'), 'changed inside the submodule\n');
    const r = propose(root, ['--goal', 'rename', '--mutation-id', 'mut-sub']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual([HOST_FILE]);
    expect(r.json().left_out).toEqual([{ path: 'vendor/lib', why: expect.stringContaining('a submodule') }]);
    expect(readFileSync(r.json().patch_path, 'utf8')).not.toContain('Subproject commit');

    // A committed pointer move in a range is left out the same way.
    git(join(root, 'vendor', 'lib'), ['commit', '-qam', 'lib change']);
    git(root, ['commit', '-qam', 'rename and move the submodule']);
    const range = propose(root, ['--goal', 'rename', '--from', 'HEAD~1..HEAD', '--mutation-id', 'mut-sub-range']);
    expect(range.code, range.stderr).toBe(0);
    expect(range.json().changed_paths).toEqual([HOST_FILE]);
    expect(range.json().left_out.map((l: any) => l.path)).toEqual(['vendor/lib']);

    // Only the submodule changed: "empty" says what was left out, since git status shows a change.
    writeFileSync(join(root, 'vendor', 'lib', 'lib.txt'), 'changed again\n');
    const only = propose(root, ['--goal', 'x']);
    expect(only.code).toBe(1);
    expect(only.stderr).toMatch(/^error\[diff-empty\]: the diff is empty: there is nothing to propose; left out: vendor\/lib \(a submodule: /m);
  });
});

describe('mutation-runner propose: refuses what verify refuses (same validation code)', () => {
  it('refuses a work tree that adds a symlink, with the reason verify journals for the same patch', () => {
    const root = exampleGenome();
    symlinkSync('../../..', join(root, 'hosts', 'seed', 'outside'));
    const r = propose(root, ['--goal', 'escape']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[proposal-refused]');
    expect(pending(root)).toEqual([]);

    const patch = 'diff --git a/hosts/seed/outside b/hosts/seed/outside\nnew file mode 120000\n--- /dev/null\n+++ b/hosts/seed/outside\n@@ -0,0 +1 @@\n+../../..\n\\ No newline at end of file\n';
    const file = writeProposal({ mutation_id: 'mut-hostile', changed_paths: ['hosts/seed/outside'], patch });
    const mem = memoryDir();
    const v = runner(['verify', '--root', root, '--memory-dir', mem, '--proposal', file]);
    expect(v.json().status).toBe('rejected');
    expect(r.stderr).toContain(v.json().reason);
  }, 120_000);

  it('refuses diffs that leave the genome, enter .git, touch protected paths or ask for a forbidden check', () => {
    const root = exampleGenome();
    const cases: [string, string, string][] = [
      ['outside.diff', 'diff --git a/../outside.txt b/../outside.txt\nnew file mode 100644\n--- /dev/null\n+++ b/../outside.txt\n@@ -0,0 +1 @@\n+x\n', 'leaves the genome'],
      ['git.diff', 'diff --git a/.git/hooks/post-checkout b/.git/hooks/post-checkout\nnew file mode 100755\n--- /dev/null\n+++ b/.git/hooks/post-checkout\n@@ -0,0 +1 @@\n+x\n', 'inside .git/'],
      ['ledger.diff', 'diff --git a/memory/mutations.jsonl b/memory/mutations.jsonl\nnew file mode 100644\n--- /dev/null\n+++ b/memory/mutations.jsonl\n@@ -0,0 +1 @@\n+{}\n', 'is protected'],
      ['garbage.diff', 'this is not a diff\n', 'does not contain a target path'],
    ];
    for (const [name, text, why] of cases) {
      const file = join(tempDir(), name);
      writeFileSync(file, text);
      const r = propose(root, ['--goal', 'hostile', '--patch', file]);
      expect(r.code, `${name}: ${r.stderr}`).toBe(1);
      expect(r.stderr).toContain(why);
    }
    setHost(root, '"seed-02"');
    const curl = propose(root, ['--goal', 'fetch', '--check', 'net=curl https://example.invalid']);
    expect(curl.code).toBe(1);
    expect(curl.stderr).toContain("command 'curl https://example.invalid' is not allowed in P1 offline verification");
    expect(pending(root)).toEqual([]);
  });

  it('refuses an empty diff, and bad flags with exit 2', () => {
    const root = exampleGenome();
    const empty = propose(root, ['--goal', 'nothing']);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('error[diff-empty]');
    expect(propose(root, ['--goal', 'x', '--from', 'a..b', '--patch', 'p.diff']).code).toBe(2);
    expect(propose(root, ['--goal', 'x', '--from', '--output=x..y']).code).toBe(2);
    // A side that is no commit: a usage error naming it (git's "ambiguous argument … Use '--' to
    // separate paths" was passed on with exit 1).
    const unknown = propose(root, ['--goal', 'x', '--from', 'nosuch..HEAD']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error\[range-unknown\]: --from "nosuch\.\.HEAD": nosuch is not a commit of /m);
    expect(unknown.stderr).not.toContain("Use '--'");
    expect(propose(root, ['--goal', '  ']).code).toBe(2);
    expect(propose(root, ['--goal', 'x', '--check', 'no-command']).code).toBe(2);
    expect(pending(root)).toEqual([]);
  });

  it('refuses a --patch that is not a regular file at once (a link to /dev/zero was read until the process was killed)', () => {
    const root = exampleGenome();
    const zero = join(tempDir(), 'zero.diff');
    symlinkSync('/dev/zero', zero);
    for (const [patch, why] of [
      [zero, 'not a regular file (a device, FIFO or socket)'],
      [tempDir(), 'not a regular file (a directory)'],
    ] as const) {
      const r = propose(root, ['--goal', 'x', '--patch', patch]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error[patch-unreadable]: cannot read --patch ${patch}: ${why}`);
    }
    expect(pending(root)).toEqual([]);
  });

  it('names an --out-dir that exists but takes no new directory (/proc/self said error[internal]; it is refused earlier now)', () => {
    const root = exampleGenome();
    setHost(root, '"seed-02"');
    const out = tempDir('aos-ro-');
    const args = ['propose', '--root', root, '--memory-dir', memoryDir(), '--goal', 'x', '--out-dir', out, '--mutation-id', 'mut-ro'];
    const r = runCliVia(onTmpfs(out, 'ro'), 'mutation-runner', args);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error\[out-dir-unwritable\]: cannot write a proposal into .*: EROFS/m);
    expect(r.stderr).toContain('hint: ');
    expect(r.stderr).not.toContain('error[internal]');
  });

  it('refuses a --mutation-id that is not a directory name of its own before any work (exit 2, nothing created)', () => {
    const root = exampleGenome();
    setHost(root, '"seed-02"');
    const base = tempDir('aos-out-');
    const out = join(base, 'a', 'pending'); // does not exist: `..` would name a directory that does not either
    for (const id of ['../evil', 'a/b', '', '..', '.', '-x', 'mut\nx', 'a'.repeat(300)]) {
      const r = propose(root, ['--goal', 'x', '--out-dir', out, '--mutation-id', id]);
      expect(r.code, `${JSON.stringify(id)}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('error[mutation-id-invalid]: --mutation-id');
      expect(r.stderr).not.toContain('error[internal]');
    }
    expect(readdirSync(base)).toEqual([]);
    expect(pending(root)).toEqual([]);
    expect(propose(root, ['--goal', 'x', '--out-dir', out, '--mutation-id', `m${'a'.repeat(200)}`]).code).toBe(0);
  });

  it('needs autonomy mode mutate-draft', () => {
    const root = exampleGenome();
    setHost(root, '"seed-02"');
    const etc = tempDir('aos-etc-');
    writeFileSync(join(etc, 'mutation-runner.json'), '{"mode":"observe-only"}\n');
    const r = propose(root, ['--goal', 'x', '--etc-dir', etc]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[mode-forbidden]');
    expect(pending(root)).toEqual([]);
  });
});
