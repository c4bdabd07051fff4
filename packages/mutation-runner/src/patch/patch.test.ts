import { describe, expect, it } from 'vitest';
import { parseUnifiedPatch } from './parse.js';
import { defaultProtectedRules, protectedMatcher } from './protected.js';
import { patchProblem, relativePathProblem } from './rules.js';

const create = (p: string) => `diff --git a/${p} b/${p}\nnew file mode 100644\n--- /dev/null\n+++ b/${p}\n@@ -0,0 +1 @@\n+x\n`;

describe('parseUnifiedPatch', () => {
  it('strips one leading component as git apply -p1 does, for git and plain diffs', () => {
    const r = parseUnifiedPatch(`${create('a/b.txt')}--- old/c.txt\n+++ new/c.txt\n@@ -1 +1 @@\n-a\n+b\n`);
    expect(r.ok && r.files.map((f) => [f.oldPath, f.newPath])).toEqual([
      [null, 'a/b.txt'],
      ['c.txt', 'c.txt'],
    ]);
  });

  it('reads renames, deletions and modes', () => {
    const r = parseUnifiedPatch('diff --git a/x b/y\nsimilarity index 100%\nrename from x\nrename to y\ndiff --git a/s.sh b/s.sh\nold mode 100644\nnew mode 100755\ndiff --git a/d b/d\ndeleted file mode 100644\n--- a/d\n+++ /dev/null\n@@ -1 +0,0 @@\n-d\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.files[0]).toMatchObject({ oldPath: 'x', newPath: 'y', isRename: true });
    expect(r.files[1]).toMatchObject({ oldMode: '100644', newMode: '100755' });
    expect(r.files[2]).toMatchObject({ oldPath: 'd', newPath: null });
  });

  it('reads a traditional diff of two names as git apply does: one file, the second name unless the first is its prefix', () => {
    const paths = (p: string) => {
      const r = parseUnifiedPatch(p);
      return r.ok && r.files.map((f) => [f.oldPath, f.newPath]);
    };
    expect(paths('--- g/x.orig\t2026-01-01 00:00:00\n+++ g/x\t2026-01-01 00:00:00\n@@ -1 +1 @@\n-a\n+b\n')).toEqual([['x', 'x']]);
    expect(paths('--- g/x\n+++ g/x.new\n@@ -1 +1 @@\n-a\n+b\n')).toEqual([['x', 'x']]);
    expect(paths('--- g/a\n+++ g/b\n@@ -1 +1 @@\n-a\n+b\n')).toEqual([['b', 'b']]);
    // A git section says what it renames: both names stay.
    expect(paths('diff --git a/x b/y\n--- a/x\n+++ b/y\n@@ -1 +1 @@\n-a\n+b\n')).toEqual([['x', 'y']]);
  });

  it('keeps absolute paths absolute so the rules can name them', () => {
    const r = parseUnifiedPatch('--- /dev/null\n+++ /etc/passwd\n@@ -0,0 +1 @@\n+x\n');
    expect(r.ok && r.files[0]!.newPath).toBe('/etc/passwd');
  });

  it('refuses empty, header-less, half-headed and un-strippable patches with precise reasons', () => {
    expect(parseUnifiedPatch('  \n')).toEqual({ ok: false, reason: 'patch is empty' });
    expect(parseUnifiedPatch('hello\n')).toMatchObject({ ok: false, reason: expect.stringContaining('does not contain a target path') });
    expect(parseUnifiedPatch('--- a/x\n@@ -1 +1 @@\n-a\n+b\n')).toMatchObject({ ok: false });
    expect(parseUnifiedPatch('--- x\n+++ x\n@@ -1 +1 @@\n-a\n+b\n')).toMatchObject({ ok: false, reason: expect.stringContaining('no leading a/ or b/ component') });
  });

  it('refuses header lines that are not UTF-8 (two parsers could read them differently)', () => {
    const bytes = Buffer.concat([Buffer.from('--- /dev/null\n+++ b/'), Buffer.from([0xff, 0xfe]), Buffer.from('\n@@ -0,0 +1 @@\n+x\n')]);
    expect(parseUnifiedPatch(bytes.toString('utf8'), bytes)).toEqual({ ok: false, reason: 'patch header on line 2 is not valid UTF-8' });
  });
});

describe('patch path rules', () => {
  const ctx = (changed: string[], extra: string[] = []) => ({ changedPaths: changed, sideEffects: [], isProtected: protectedMatcher(defaultProtectedRules({ policy: extra })) });
  const files = (patch: string) => {
    const r = parseUnifiedPatch(patch);
    if (!r.ok) throw new Error(r.reason);
    return r.files;
  };

  it('accepts listed relative paths', () => {
    expect(patchProblem(files(create('hosts/x.nix')), ctx(['hosts/x.nix']))).toBeUndefined();
  });

  it('names each refused path and why', () => {
    expect(patchProblem(files(create('x.nix')), ctx([]))).toBe('patch path "x.nix" is not listed in changed_paths');
    expect(patchProblem(files(create('../x')), ctx(['../x']))).toContain('leaves the genome');
    expect(patchProblem(files(create('sub/.GIT/config')), ctx(['sub/.GIT/config']))).toContain('inside .git/');
    expect(patchProblem(files(create('memory/organs.jsonl.lock')), ctx(['memory/organs.jsonl.lock']))).toContain('is protected (default rule "memory/*.jsonl.*")');
    expect(patchProblem(files(create('secrets/a/b.key')), ctx(['secrets/a/b.key'], ['secrets/']))).toContain('host policy rule "secrets"');
    expect(patchProblem(files('diff --git a/l b/l\nold mode 120000\nnew mode 100644\n'), ctx(['l']))).toContain('mode 120000');
  });

  it('says the first component was stripped only when a listed path is the patch path under one more component', () => {
    const plain = '--- hosts/x.nix.orig\n+++ hosts/x.nix\n@@ -1 +1 @@\n-a\n+b\n';
    expect(patchProblem(files(plain), ctx(['hosts/x.nix']))).toMatch(/^patch path "x\.nix" is not listed in changed_paths, which lists "hosts\/x\.nix": git apply strips .* lost "hosts\/"/);
    const rename = 'diff --git a/x.nix b/sub/x.nix\nsimilarity index 100%\nrename from x.nix\nrename to sub/x.nix\n';
    expect(patchProblem(files(rename), ctx(['sub/x.nix']))).toBe('patch path "x.nix" is not listed in changed_paths');
    expect(patchProblem(files(create('a/x.nix')), ctx(['b/c/a/x.nix']))).toBe('patch path "a/x.nix" is not listed in changed_paths');
  });

  it('refuses a patch that edits the proposal queue (mutations/), which no candidate holds, even when listed', () => {
    const queued = 'mutations/pending/mut-b/patch.diff';
    expect(patchProblem(files(create(queued)), ctx([queued]))).toBe(
      `patch path "${queued}" is in the proposal queue (mutations/), which is not part of the genome: a proposal changes the genome, not other proposals; leave mutations/ out of the change (file, move or delete queued proposals directly)`,
    );
    expect(patchProblem(files('diff --git a/mutations/pending/x b/mutations/accepted/x\nrename from mutations/pending/x\nrename to mutations/accepted/x\n'), ctx(['mutations/pending/x', 'mutations/accepted/x']))).toContain('proposal queue');
    expect(patchProblem(files(create('mutations.nix')), ctx(['mutations.nix']))).toBeUndefined();
  });

  it('checks both sides of a rename', () => {
    expect(patchProblem(files('diff --git a/x b/y\nrename from x\nrename to y\n'), ctx(['y']))).toBe('patch path "x" is not listed in changed_paths');
  });

  it('knows a normalized relative path', () => {
    for (const bad of ['', '/a', 'a//b', './a', 'a/./b', 'a/../b', 'C:\\x', 'a\\b']) expect(relativePathProblem(bad)).toBeDefined();
    for (const good of ['a', 'a/b.nix', '.github/x', '-f', '!']) expect(relativePathProblem(good)).toBeUndefined();
  });

  it('matches protected globs within and across components', () => {
    const m = protectedMatcher(defaultProtectedRules({ policy: ['hosts/*/hardware.nix', 'keys/**.pem'], memoryDirRel: 'state' }));
    expect(m('hosts/a/hardware.nix')?.pattern).toBe('hosts/*/hardware.nix');
    expect(m('hosts/a/b/hardware.nix')).toBeUndefined();
    expect(m('keys/x/y.pem')?.pattern).toBe('keys/**.pem');
    expect(m('state/mutations.jsonl')?.source).toBe('memory dir');
    expect(m('memory/evidence')?.pattern).toBe('memory/evidence');
    expect(m('memory/cache/introspect/v4/roots/r.objects.jsonl')?.pattern).toBe('memory/cache');
    expect(m('state/cache/introspect/x')?.source).toBe('memory dir');
    expect(m('memory/notes.md')).toBeUndefined();
    expect(m('memoryx/evidence/a')).toBeUndefined();
  });
});
