// P1 verify through the built CLI, with real git and real Nix on fixture genomes: the reference's
// verifier tests (design inventory 6.3) plus the fixes of issue 4.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { git, initRepo } from '../../../tests/support/git.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { FIXTURES, fixtureGenome, ledger, makePatch, memoryDir, readmeProposal, runner, writeProposal } from './support.js';

function verify(root: string, proposal: string, mem = memoryDir(), extra: string[] = []) {
  const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem, ...extra]);
  return { ...r, mem, journal: join(mem, 'mutation-results.jsonl') };
}

/** An --etc-dir whose host policy allows verify (mode mutate-draft), readable by all: no "no host policy" warning on stderr. */
function draftHost(): string {
  const etc = tempDir();
  chmodSync(etc, 0o755);
  writeFileSync(join(etc, 'mutation-runner.json'), JSON.stringify({ mode: 'mutate-draft' }), { mode: 0o644 });
  return etc;
}

/** verify --policy FILE as nobody when this is root (root may read any file), else as this user; a memory dir both may write. */
function verifyAsOtherUser(root: string, policy: string) {
  const shared = memoryDir();
  mkdirSync(shared, { recursive: true });
  chmodSync(shared, 0o777);
  chmodSync(dirname(root), 0o755);
  const bin = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');
  const prefix = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const [command, ...rest] = [...prefix, process.execPath, bin, 'verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', shared, '--policy', policy, '--etc-dir', draftHost()];
  const r = spawnSync(command!, rest, { cwd: '/', env: testEnv({ HOME: '/nonexistent' }), encoding: 'utf8', timeout: 60_000 });
  return { ...r, journal: join(shared, 'mutation-results.jsonl') };
}

describe('verify: happy paths', () => {
  it('verifies a patch_path proposal with real nix flake check, journals it and prints the record', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root));
    expect(r.code, r.stderr).toBe(0);
    const record = r.json();
    expect(record.status).toBe('verified');
    expect(record.reason).toBe('all verifier checks passed');
    expect(record.proposal_fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(record.root_fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(record.candidate_tree).toMatch(/^git-tree:[0-9a-f]{40}$/);
    expect(record.nix_version).toMatch(/^\d+\.\d+/);
    expect(record.checks.map((c: any) => [c.name, c.status])).toEqual([
      ['apply-patch', 'passed'],
      ['nix-flake-check', 'passed'],
    ]);
    const stored = ledger(r.journal);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toEqual(record);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('Fixture genome.\n');
  });

  it('verifies an inline patch', () => {
    const root = fixtureGenome();
    const { patch } = makePatch(root, (w) => writeFileSync(join(w, 'README.md'), 'inline\n'));
    const r = verify(root, writeProposal({ changed_paths: ['README.md'], patch, inline: true }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().status).toBe('verified');
  });

  it('resolves a bare relative proposal path, its sibling patch, root and journal from the cwd', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const mem = memoryDir();
    const r = runner(['verify', '--proposal', 'proposal.json', '--root', root, '--journal', 'results.jsonl', '--memory-dir', mem], { cwd: dirname(proposal) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().proposal_path).toBe(proposal);
    expect(ledger(join(dirname(proposal), 'results.jsonl'))).toHaveLength(1);
  });

  it('journals a proposal that links to /dev/zero as an error at once (it was read until memory ran out)', () => {
    const root = fixtureGenome();
    const proposal = join(tempDir(), 'proposal.json');
    symlinkSync('/dev/zero', proposal);
    const mem = memoryDir();
    const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem]);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'error', reason: `failed to read proposal ${proposal}: not a regular file (a device, FIFO or socket)` });
  });

  it('refuses, before any work, a --journal that is not a regular file (/dev/null, a directory)', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const dir = join(tempDir(), 'results.jsonl');
    mkdirSync(dir);
    for (const [journal, kind] of [['/dev/null', 'a character device'], [dir, 'a directory']] as const) {
      const mem = memoryDir();
      const r = runner(['verify', '--proposal', proposal, '--root', root, '--journal', journal, '--memory-dir', mem]);
      expect([r.code, r.stdout]).toEqual([1, '']);
      expect(r.stderr).toContain(`error[ledger-not-a-file]: ledger ${journal} is not a regular file (${kind})`);
      expect(existsSync(join(mem, 'logs')), 'no check ran').toBe(false);
    }
  });

  it('verifies a multi-file patch and a deletion without touching the live files', () => {
    const root = fixtureGenome(undefined, { 'docs/a.md': 'a\n', 'docs/b.md': 'b\n' });
    const { patch } = makePatch(root, (w) => {
      writeFileSync(join(w, 'docs/a.md'), 'a2\n');
      rmSync(join(w, 'docs/b.md'));
      writeFileSync(join(w, 'docs/c.md'), 'c\n');
    });
    const r = verify(root, writeProposal({ changed_paths: ['docs/a.md', 'docs/b.md', 'docs/c.md'], patch, expected_checks: [{ name: 'b-gone', command: 'test', args: ['!', '-e', 'docs/b.md'] }] }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().checks.find((c: any) => c.name === 'b-gone').status).toBe('passed');
    expect(readFileSync(join(root, 'docs/b.md'), 'utf8')).toBe('b\n');
    expect(existsSync(join(root, 'docs/c.md'))).toBe(false);
  });
});

describe('verify: proposal and patch input', () => {
  const cases: [string, (root: string) => string, 'rejected' | 'error', string][] = [
    ['both patch and patch_path', () => writeProposal({ changed_paths: ['README.md'], patch: 'x', extra: { patch: 'y' } }), 'rejected', 'only one of patch or patch_path'],
    ['neither patch nor patch_path', () => writeProposal({ changed_paths: ['README.md'] }), 'rejected', 'patch or patch_path'],
    ['an absolute patch_path', () => writeProposal({ extra: { patch_path: '/etc/passwd' } }), 'rejected', 'must be relative'],
    ['a patch_path with ..', () => writeProposal({ extra: { patch_path: '../patch.diff' } }), 'rejected', 'must stay inside'],
    ['a missing patch file', () => writeProposal({ extra: { patch_path: 'missing.diff' } }), 'error', 'failed to read proposal patch'],
    ['a malformed patch', () => writeProposal({ changed_paths: ['README.md'], patch: 'this is not a diff\n' }), 'rejected', 'does not contain a target path'],
    ['an unsupported schema_version', () => writeProposal({ extra: { schema_version: '9.9.9' } }), 'rejected', 'unsupported proposal schema_version'],
    ['an empty mutation_id', () => writeProposal({ mutation_id: '', patch: 'x' }), 'rejected', 'mutation_id'],
  ];
  for (const [what, make, status, substring] of cases) {
    it(`journals ${what} as ${status}`, () => {
      const root = fixtureGenome();
      const r = verify(root, make(root));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(status === 'rejected' ? 'proposal rejected' : 'proposal errored');
      const record = r.json();
      expect(record.status).toBe(status);
      expect(record.reason).toContain(substring);
      expect(record.mutation_id).not.toBe('');
      expect(ledger(r.journal)).toEqual([record]);
    });
  }

  it('journals a proposal that is not JSON as error, with the parse message and a non-empty mutation id', () => {
    const root = fixtureGenome();
    const dir = tempDir();
    writeFileSync(join(dir, 'proposal.json'), '{ "mutation_id": "mut-x", ');
    const r = verify(root, join(dir, 'proposal.json'));
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('error');
    expect(record.reason).toMatch(/is not valid JSON/);
    expect(record.mutation_id).toMatch(/^unknown:proposal-[0-9a-f]{16}$/);
    expect(record.proposal_fingerprint).toBe('unavailable:proposal-unreadable');
    expect(ledger(r.journal)).toHaveLength(1);
  });

  it('refuses a root that holds no flake.nix before any work (a subdirectory of the genome was journaled as a rejected patch, in a memory/ made there)', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    for (const [args, cwd] of [
      [['--root', join(root, 'hosts')], root],
      [[], tempDir()],
    ] as const) {
      const r = runner(['verify', '--proposal', proposal, ...args], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error\[root-not-a-flake\]: genome root .* holds no flake\.nix$/m);
      expect(r.stdout).toBe('');
      expect(existsSync(join(args.length ? args[1]! : cwd, 'memory'))).toBe(false);
    }
  });

  it('journals a proposal file that does not exist as error', () => {
    const missing = join(tempDir(), 'nope.json');
    const r = verify(fixtureGenome(), missing);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'error', mutation_id: 'unknown:proposal-unreadable' });
    expect(r.json().reason).toBe(`failed to read proposal ${missing}: no such file (ENOENT): check the path`);
  });

  // The reason was the bare code, "failed to read proposal …/plain/p.json: ENOTDIR".
  it('journals a proposal under a file as error, saying so in words', () => {
    const plain = join(tempDir(), 'plain');
    writeFileSync(plain, '{}');
    const r = verify(fixtureGenome(), join(plain, 'p.json'));
    expect(r.code).toBe(1);
    expect(r.json().reason).toBe(`failed to read proposal ${join(plain, 'p.json')}: a part of its path is a file, not a directory (ENOTDIR): check the path`);
  });

  // The record's reason, and so the CI log's one line, was the bare code: "…: ENOENT", "…: EACCES".
  it('says in words why a proposal or its patch could not be read: missing, or closed to this user', () => {
    const root = fixtureGenome();
    const mem = memoryDir();
    const missingPatch = writeProposal({ extra: { patch_path: 'missing.diff' } });
    const r = verify(root, missingPatch, mem);
    expect(r.json().reason).toBe(`failed to read proposal patch ${join(dirname(missingPatch), 'missing.diff')}: no such file (ENOENT): check the path`);

    // As root the run is nobody's (root reads any file); otherwise the file is closed to this user.
    const asRoot = process.getuid?.() === 0;
    const proposal = readmeProposal(root);
    const shared = memoryDir(); // one the other user may write
    mkdirSync(shared, { recursive: true });
    for (const d of [dirname(root), dirname(shared), dirname(dirname(proposal)), dirname(proposal)]) chmodSync(d, 0o755);
    chmodSync(shared, 0o777);
    chmodSync(proposal, asRoot ? 0o600 : 0o000);
    const bin = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');
    const prefix = asRoot ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const [command, ...rest] = [...prefix, process.execPath, bin, 'verify', '--proposal', proposal, '--root', root, '--memory-dir', shared];
    const closed = spawnSync(command!, rest, { cwd: '/', env: testEnv({ HOME: '/nonexistent' }), encoding: 'utf8', timeout: 60_000 });
    expect(closed.status, closed.stderr).toBe(1);
    expect(JSON.parse(closed.stdout).reason).toBe(`failed to read proposal ${proposal}: this user may not read it (EACCES): fix its owner or mode, or run as a user who may read it`);
  });

  // It said "cannot read policy file …: EACCES", the bare code.
  it('says in words why a --policy file cannot be read (exit 2, nothing journaled)', () => {
    const root = fixtureGenome();
    const base = tempDir();
    chmodSync(base, 0o755);
    const policy = join(base, 'policy.json');
    writeFileSync(policy, '{}', { mode: process.getuid?.() === 0 ? 0o600 : 0o000 }); // trusted (only root, or you, can change it), but closed
    const r = verifyAsOtherUser(root, policy);
    expect([r.status, r.stdout], r.stderr).toEqual([2, '']);
    expect(r.stderr).toBe(`error[policy-unreadable]: cannot read policy file ${policy}: this user may not read it (EACCES): fix its owner or mode, or run as a user who may read it\nhint: Pass --policy with a readable JSON file.\n`);
    expect(existsSync(r.journal)).toBe(false);
  });

  // The existence check (existsSync) called each of these "policy file … does not exist", though
  // the file was there or the path was wrong in another way; now missing means ENOENT only.
  it.each([
    ['missing (ENOENT)', (d: string) => join(d, 'policy.json'), 'policy-missing', 'policy file {} does not exist', 'Pass --policy with an existing JSON file.'],
    ['under a file (ENOTDIR)', (d: string) => { writeFileSync(join(d, 'plain'), '{}'); return join(d, 'plain', 'policy.json'); },
      'policy-unreadable', 'cannot read policy file {}: a part of its path is a file, not a directory (ENOTDIR): check the path', 'Pass --policy with a readable JSON file.'],
    ['a symbolic link loop (ELOOP)', (d: string) => { symlinkSync('b.json', join(d, 'a.json')); symlinkSync('a.json', join(d, 'b.json')); return join(d, 'a.json'); },
      'policy-unreadable', 'cannot read policy file {}: its path goes round a loop of symbolic links (ELOOP): fix the link that leads back, or name the file itself', 'Pass --policy with a readable JSON file.'],
  ])('a --policy file %s is named as such (exit 2, nothing journaled)', (_, place, code, message, hint) => {
    const policy = place(tempDir());
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root), memoryDir(), ['--policy', policy, '--etc-dir', draftHost()]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(`error[${code}]: ${message.replace('{}', policy)}\nhint: ${hint}\n`);
    expect(existsSync(r.journal)).toBe(false);
  });

  // A directory on the path this user may not search: stat fails with EACCES, which was "does not exist".
  it('a --policy file in a directory closed to this user is named as unreadable, not missing (exit 2)', () => {
    const root = fixtureGenome();
    const base = tempDir();
    chmodSync(base, 0o755);
    const closed = join(base, 'closed');
    mkdirSync(closed, { mode: 0o700 });
    const policy = join(closed, 'policy.json');
    writeFileSync(policy, '{}', { mode: 0o600 });
    if (process.getuid?.() !== 0) chmodSync(closed, 0o600); // root's 0700 is closed to nobody; yours must lose x
    const r = verifyAsOtherUser(root, policy);
    chmodSync(closed, 0o700); // so the temp dir can be removed
    expect([r.status, r.stdout], r.stderr).toEqual([2, '']);
    expect(r.stderr).toBe(`error[policy-unreadable]: cannot read policy file ${policy}: this user may not read it (EACCES): fix its owner or mode, or run as a user who may read it\nhint: Pass --policy with a readable JSON file.\n`);
    expect(existsSync(r.journal)).toBe(false);
  });

  it.each([
    [['--proposal', ''], 'flag-blank', '--proposal must not be empty'],
    [['--proposal', 'p.json', '--journal', ' '], 'flag-blank', '--journal must not be empty'],
    [['--proposal', 'p.json', '--root', ''], 'flag-blank', '--root must not be empty'],
    [['--proposal', 'a.json', '--proposal', 'b.json'], 'flag-repeated', '--proposal was given twice ("a.json", then "b.json"); it takes one value'],
  ])('refuses %j as a usage error and journals nothing (empty was the working directory; twice, the last won)', (args, code, message) => {
    const mem = memoryDir();
    const r = runner(['verify', ...args, '--memory-dir', mem], { cwd: fixtureGenome() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[${code}]: ${message}`);
    expect(r.stdout).toBe('');
    expect(existsSync(join(mem, 'mutation-results.jsonl'))).toBe(false);
  });

  it('rejects a partial deletion that does not apply and leaves the live file alone', () => {
    const root = fixtureGenome();
    const patch = ['diff --git a/README.md b/README.md', 'deleted file mode 100644', '--- a/README.md', '+++ /dev/null', '@@ -1,2 +0,0 @@', '-Fixture genome.', '-a line that is not there', ''].join('\n');
    const r = verify(root, writeProposal({ changed_paths: ['README.md'], patch }));
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('rejected');
    expect(record.reason).toBe('patch application failed: error: README.md: patch does not apply');
    expect(record.checks).toHaveLength(1);
    expect(record.checks[0]).toMatchObject({ name: 'apply-patch', status: 'failed' });
    expect(record.checks[0].stderr).toMatch(/patch does not apply|corrupt patch|error/);
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toBe('Fixture genome.\n');
  });
});

describe('verify: a genome inside a git repository that ignores it', () => {
  it('is an error saying git does not show its flake.nix (the candidate was empty and the proposal was rejected: "No such file or directory")', () => {
    const repo = join(tempDir('aos-ignoring-'), 'home');
    mkdirSync(repo);
    initRepo(repo, { '.gitignore': 'os/\n' });
    const root = join(repo, 'os');
    cpSync(join(FIXTURES, 'genome'), root, { recursive: true });
    const r = verify(root, readmeProposal(root));
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('error');
    expect(record.reason).toMatch(/^failed to create isolated candidate: .*flake\.nix is not in what git shows of the genome.*\.gitignore/);
  });
});

describe('verify: a genome file whose name is not UTF-8', () => {
  it('is an error naming the file, not a candidate without it (it was skipped as "deleted in the work tree" and the run verified)', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root); // first: the patch helper copies the tree by (text) name
    writeFileSync(Buffer.concat([Buffer.from(`${root}/bad`), Buffer.from([0xff]), Buffer.from('name.txt')]), 'x\n');
    git(root, ['add', '-A']);
    git(root, ['commit', '-qm', 'a file name in Latin-1']);
    const r = verify(root, proposal);
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('error');
    // The remedy (the error's hint) ends the reason: a record is read where no hint line is printed.
    expect(record.reason).toMatch(/^failed to create isolated candidate: .*not UTF-8.*: bad\uFFFDname\.txt\. Rename it to UTF-8 \(git mv\), or ignore it in \.gitignore if it is not part of the genome\.$/);
    expect(ledger(r.journal)).toEqual([record]);
  });
});

describe('verify: a change proposed from the work tree and still in it', () => {
  it('says the change is already there and how to set it aside (it said only "patch application failed")', () => {
    const root = fixtureGenome();
    writeFileSync(join(root, 'README.md'), 'Fixture genome, changed in place.\n');
    writeFileSync(join(root, 'NEW.txt'), 'untracked and proposed\n');
    const proposed = runner(['propose', '--goal', 'change in place', '--root', root, '--memory-dir', memoryDir(), '--mutation-id', 'mut-in-place']);
    expect(proposed.code, proposed.stderr).toBe(0);
    const r = verify(root, proposed.json().proposal_path);
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('rejected');
    expect(record.reason).toMatch(/^patch application failed: error: .*; the change is already in the genome's working tree/);
    expect(record.reason).toContain('git stash');
    expect(r.stderr).toContain('proposal rejected');
  });

  it('says when a patch was converted to CR LF line endings after it was made (it said only "patch application failed")', () => {
    const root = fixtureGenome();
    const { patch } = makePatch(root, (w) => writeFileSync(join(w, 'README.md'), 'Fixture genome, changed.\n'));
    const r = verify(root, writeProposal({ changed_paths: ['README.md'], patch: patch.replace(/\n/g, '\r\n') }));
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toMatch(/^patch application failed: error: README\.md: patch does not apply; the patch's own header lines end in CR LF.*dos2unix/);
  });
});

describe('verify: patch path rules (before anything is applied)', () => {
  const patchFor = (path: string, header = `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n`) => `${header}@@ -0,0 +1 @@\n+x\n`;
  const cases: [string, string, string[], string][] = [
    ['an absolute target', '--- /dev/null\n+++ /etc/evil\n@@ -0,0 +1 @@\n+x\n', ['/etc/evil'], 'is absolute'],
    ['a .. target', patchFor('../outside.txt'), ['../outside.txt'], 'leaves the genome'],
    ['a .git target', patchFor('.git/hooks/pre-commit'), ['.git/hooks/pre-commit'], 'inside .git/'],
    ['a target not in changed_paths', patchFor('other.txt'), ['README.md'], 'is not listed in changed_paths'],
    ['a memory ledger', patchFor('memory/mutation-results.jsonl'), ['memory/mutation-results.jsonl'], 'is protected'],
    ['memory evidence', patchFor('memory/evidence/x.json'), ['memory/evidence/x.json'], 'is protected'],
    ['os-introspect\'s parse cache in memory', patchFor('memory/cache/introspect/x.json'), ['memory/cache/introspect/x.json'], 'is protected (default rule "memory/cache")'],
    ['a symlink (mode 120000)', 'diff --git a/link b/link\nnew file mode 120000\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+/etc\n\\ No newline at end of file\n', ['link'], 'mode 120000'],
  ];
  for (const [what, patch, changed, substring] of cases) {
    it(`rejects ${what}`, () => {
      const root = fixtureGenome();
      const mem = memoryDir();
      const r = verify(root, writeProposal({ changed_paths: changed, patch }), mem);
      expect(r.code).toBe(1);
      const record = r.json();
      expect(record.status).toBe('rejected');
      expect(record.reason).toContain(substring);
      expect(record.checks).toEqual([]);
      expect(existsSync(join(mem, 'logs'))).toBe(false); // nothing ran
    });
  }

  it('names the declared side effect when a target outside the genome is declared', () => {
    const root = fixtureGenome();
    const r = verify(root, writeProposal({
      changed_paths: [],
      patch: '--- /dev/null\n+++ /etc/motd\n@@ -0,0 +1 @@\n+x\n',
      extra: { side_effects: [{ type: 'file', target: '/etc/motd', reversible: true, compensation: 'rm', risk: 'low' }] },
    }));
    expect(r.json().reason).toContain('cannot be applied in P1');
  });

  // The reason named a --policy rule a "host policy rule": the operator looked for it in
  // /etc/autopoietic/mutation-runner.json, which did not have it.
  it('refuses paths the operator policy protects, naming the policy the rule comes from', () => {
    const root = fixtureGenome();
    const policy = join(tempDir(), 'policy.json');
    writeFileSync(policy, JSON.stringify({ protected_paths: ['hosts'] }));
    const etc = tempDir();
    writeFileSync(join(etc, 'mutation-runner.json'), JSON.stringify({ mode: 'mutate-draft', protected_paths: ['README.md'] }));
    const { patch } = makePatch(root, (w) => writeFileSync(join(w, 'hosts/seed.nix'), '{ host = "evil"; }\n'));
    const r = verify(root, writeProposal({ changed_paths: ['hosts/seed.nix'], patch }), memoryDir(), ['--policy', policy, '--etc-dir', etc]);
    expect(r.json().reason).toBe('patch path "hosts/seed.nix" is protected (--policy file rule "hosts")');
    const host = verify(root, readmeProposal(root), memoryDir(), ['--policy', policy, '--etc-dir', etc]);
    expect(host.json().reason).toBe('patch path "README.md" is protected (host policy rule "README.md")');
  });
});

describe('verify: check allowlist, validated before any check runs', () => {
  const refused: [string, { name: string; command: string; args?: string[] }][] = [
    ['an undeclared side-effect command', { name: 'touch', command: 'touch', args: ['/tmp/aos-should-not-exist'] }],
    ['test on an absolute path', { name: 'abs', command: 'test', args: ['-e', '/etc/passwd'] }],
    ['nix build of another flake', { name: 'other', command: 'nix', args: ['build', 'nixpkgs#hello'] }],
    ['nix eval --expr', { name: 'expr', command: 'nix', args: ['eval', '--expr', '1'] }],
    ['nix-instantiate of an absolute file', { name: 'ni', command: 'nix-instantiate', args: ['--eval', '/etc/x.nix'] }],
    ['true with arguments', { name: 't', command: 'true', args: ['x'] }],
  ];
  for (const [what, check] of refused) {
    it(`refuses ${what} before the flake check runs`, () => {
      const root = fixtureGenome();
      const mem = memoryDir();
      const r = verify(root, readmeProposal(root, { expected_checks: [{ name: 'ok', command: 'true' }, check] }), mem);
      expect(r.code).toBe(1);
      const record = r.json();
      expect(record.status).toBe('rejected');
      expect(record.reason).toContain('not allowed in P1');
      expect(record.checks).toEqual([]);
      expect(existsSync(join(mem, 'logs'))).toBe(false);
    });
  }

  it('refuses a declared side-effect command all the same', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root, {
      expected_checks: [{ name: 'touch', command: 'touch', args: ['x'] }],
      extra: { side_effects: [{ type: 'command', target: 'touch', reversible: true, compensation: 'rm x', risk: 'low' }] },
    }));
    expect(r.json().reason).toContain("command 'touch x' is not allowed in P1");
  });

  it('runs every allowlisted shape in the candidate', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root, {
      expected_checks: [
        { name: 'true', command: 'true' },
        { name: 'readme', command: 'test', args: ['-f', 'README.md'] },
        { name: 'flake', command: 'nix', args: ['flake', 'check', '--no-build'] },
        { name: 'build', command: 'nix', args: ['build', '.#checks.x86_64-linux.seed-smoke'] },
        { name: 'eval', command: 'nix', args: ['eval', '--raw', '.#checks.x86_64-linux.seed-smoke.name'] },
        { name: 'parse', command: 'nix-instantiate', args: ['--parse', 'hosts/seed.nix'] },
        { name: 'eval-file', command: 'nix-instantiate', args: ['--eval', '--strict', '--json', 'hosts/seed.nix'] },
      ],
    }));
    expect(r.code, r.stderr).toBe(0);
    const byName = Object.fromEntries(r.json().checks.map((c: any) => [c.name, c]));
    expect(Object.values(byName).every((c: any) => c.status === 'passed')).toBe(true);
    expect(byName.build.out_paths[0]).toMatch(/^\/nix\/store\/[0-9a-z]{32}-seed-smoke$/);
    expect(byName.eval.stdout).toBe('seed-smoke');
    expect(JSON.parse(byName['eval-file'].stdout)).toEqual({ host: 'seed-01', mode: 'mutate-vm' });
  });

  it('keeps nix-instantiate --eval inside the candidate (restricted evaluation)', () => {
    const root = fixtureGenome();
    const { patch } = makePatch(root, (w) => writeFileSync(join(w, 'peek.nix'), 'builtins.readFile /etc/hostname\n'));
    const r = verify(root, writeProposal({ changed_paths: ['peek.nix'], patch, expected_checks: [{ name: 'peek', command: 'nix-instantiate', args: ['--eval', 'peek.nix'] }] }));
    expect(r.code).toBe(1);
    const peek = r.json().checks.find((c: any) => c.name === 'peek');
    expect(peek.status).toBe('failed');
    expect(peek.stderr).toContain('forbidden in restricted mode');
  });

  it('rejects with the exact reason when a check fails, and journals the failed check', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root, { expected_checks: [{ name: 'nope', command: 'false' }] }));
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('rejected');
    expect(record.reason).toBe('one or more verifier checks failed');
    expect(ledger(r.journal)[0].checks.find((c: any) => c.name === 'nope')).toMatchObject({ status: 'failed', exit_code: 1 });
  });

  it('refuses duplicate and reserved check names', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root, { expected_checks: [{ name: 'nix-flake-check', command: 'true' }] }));
    expect(r.json().reason).toContain('reserved');
  });
});

describe('verify: check logs', () => {
  it('writes full logs under <memory>/logs/<verification_id>/ and records their digests and sizes', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root));
    const record = r.json();
    const dir = join(r.mem, 'logs', record.verification_id);
    expect(readdirSync(dir).sort()).toEqual([
      '00-apply-patch.stderr.log', '00-apply-patch.stdout.log', '01-nix-flake-check.stderr.log', '01-nix-flake-check.stdout.log',
    ]);
    const flake = record.checks[1];
    expect(basename(flake.stderr_log.path)).toBe('01-nix-flake-check.stderr.log');
    const bytes = readFileSync(flake.stderr_log.path);
    expect(flake.stderr_log.bytes).toBe(bytes.length);
    // Nix 2.8: 'running flake checks...'; current Nix: 'running 2 flake checks...'.
    expect(flake.stderr).toMatch(/running (\d+ )?flake checks/);
  });
});
