import { chmodSync, chownSync, lchownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { pathTrustProblem } from './path-trust.js';

// Real files and modes. Owners other than root need chown: these run as root, as the suite does
// (a non-root run skips nothing: it cannot chown, so it fails loudly rather than passing blind).
const NOBODY = 65534;

/** <tmp>/a/b/policy.json, every part 0755/0644 root: trusted, until a test loosens one part. */
function tree(): { base: string; a: string; b: string; file: string } {
  const base = tempDir('aos-trust-');
  chmodSync(base, 0o755);
  const a = join(base, 'a');
  const b = join(a, 'b');
  mkdirSync(b, { recursive: true, mode: 0o755 });
  const file = join(b, 'policy.json');
  writeFileSync(file, '{}', { mode: 0o644 });
  return { base, a, b, file };
}

describe('pathTrustProblem', () => {
  it('trusts a file that only root can change, and finds one whose mode or owner lets another user change it', () => {
    const t = tree();
    expect(pathTrustProblem(t.file, 0)).toBeUndefined();
    chmodSync(t.file, 0o666);
    expect(pathTrustProblem(t.file, 0)).toEqual({ path: t.file, what: `file ${t.file} is writable by every user (mode 0666)`, fix: `Remove that write permission: \`chmod o-w ${t.file}\`` });
    chmodSync(t.file, 0o664);
    expect(pathTrustProblem(t.file, 0)?.what).toBe(`file ${t.file} is writable by its group (gid 0, mode 0664)`);
    expect(pathTrustProblem(t.file, 0)?.fix).toContain('chmod g-w');
    chmodSync(t.file, 0o644);
    chownSync(t.file, NOBODY, NOBODY);
    expect(pathTrustProblem(t.file, 0)).toEqual({
      path: t.file,
      what: `file ${t.file} is owned by uid ${NOBODY}, not by root: that user can change it`,
      fix: `Give it to root: \`chown root ${t.file}\``,
    });
  });

  it('depends on the reader: a file of its own is trusted by that user, not by root or a third user', () => {
    const t = tree();
    chownSync(t.file, NOBODY, NOBODY);
    expect(pathTrustProblem(t.file, NOBODY)).toBeUndefined();
    expect(pathTrustProblem(t.file, 0)?.path).toBe(t.file);
    expect(pathTrustProblem(t.file, 1000)?.what).toBe(`file ${t.file} is owned by uid ${NOBODY}, not by root or the user reading it (uid 1000): that user can change it`);
    // Root's file is trusted by everyone.
    chownSync(t.file, 0, 0);
    expect(pathTrustProblem(t.file, 1000)).toBeUndefined();
  });

  it('names the directory, at any depth, through which another user could replace the file', () => {
    const t = tree();
    chmodSync(t.a, 0o777);
    expect(pathTrustProblem(t.file, 0)).toEqual({ path: t.a, what: `directory ${t.a} is writable by every user (mode 0777)`, fix: `Remove that write permission: \`chmod o-w ${t.a}\`` });
    chmodSync(t.a, 0o755);
    chmodSync(t.b, 0o775);
    expect(pathTrustProblem(t.file, 0)?.what).toBe(`directory ${t.b} is writable by its group (gid 0, mode 0775)`);
    chmodSync(t.b, 0o755);
    chownSync(t.a, NOBODY, NOBODY);
    expect(pathTrustProblem(t.file, 0)?.what).toBe(`directory ${t.a} is owned by uid ${NOBODY}, not by root: that user can change it`);
  });

  it('lets a sticky directory be writable by others (/tmp, /nix/store at 1775), as others cannot replace what is in it', () => {
    const t = tree();
    chmodSync(t.a, 0o1777);
    chmodSync(t.b, 0o1775);
    expect(pathTrustProblem(t.file, 0)).toBeUndefined();
    // The sticky bit does not make a file trusted.
    chmodSync(t.file, 0o1666);
    expect(pathTrustProblem(t.file, 0)?.path).toBe(t.file);
  });

  it('checks the directories of a missing file: whoever can write them could have removed it', () => {
    const t = tree();
    const missing = join(t.b, 'absent.json');
    expect(pathTrustProblem(missing, 0)).toBeUndefined();
    expect(pathTrustProblem(join(t.b, 'no', 'such', 'file'), 0)).toBeUndefined();
    chmodSync(t.b, 0o777);
    expect(pathTrustProblem(missing, 0)?.path).toBe(t.b);
    expect(pathTrustProblem(join(t.b, 'no', 'such', 'file'), 0)?.path).toBe(t.b);
  });

  it('follows symbolic links as NixOS lays out /etc (a link to a link into a store at 1775), checking every directory on the way', () => {
    const t = tree();
    const store = join(t.base, 'store');
    const etc = join(t.base, 'etc');
    mkdirSync(join(store, 'xyz-etc', 'etc', 'autopoietic'), { recursive: true, mode: 0o755 });
    chmodSync(store, 0o1775);
    const real = join(store, 'xyz-etc', 'etc', 'autopoietic', 'mutation-runner.json');
    writeFileSync(real, '{}', { mode: 0o444 });
    mkdirSync(join(etc, 'autopoietic'), { recursive: true, mode: 0o755 });
    symlinkSync(join(store, 'xyz-etc', 'etc'), join(etc, 'static'));
    symlinkSync('../static/autopoietic/mutation-runner.json', join(etc, 'autopoietic', 'mutation-runner.json'));
    const policy = join(etc, 'autopoietic', 'mutation-runner.json');
    expect(pathTrustProblem(policy, 0)).toBeUndefined();
    // A directory reached only through the links counts as much as one on the path as written.
    chmodSync(join(store, 'xyz-etc'), 0o777);
    expect(pathTrustProblem(policy, 0)?.path).toBe(join(store, 'xyz-etc'));
    chmodSync(join(store, 'xyz-etc'), 0o755);
    chmodSync(real, 0o666);
    expect(pathTrustProblem(policy, 0)?.path).toBe(real);
    chmodSync(real, 0o444);
    // A link another user owns (in a sticky directory that user could replace it).
    lchownSync(join(etc, 'static'), NOBODY, NOBODY);
    expect(pathTrustProblem(policy, 0)).toEqual({
      path: join(etc, 'static'),
      what: `symbolic link ${join(etc, 'static')} is owned by uid ${NOBODY}, not by root: that user can change it`,
      fix: `Give it to root: \`chown -h root ${join(etc, 'static')}\``,
    });
  });

  it('does not trust what it cannot check: a link loop', () => {
    const t = tree();
    symlinkSync('loop-b', join(t.b, 'loop-a'));
    symlinkSync('loop-a', join(t.b, 'loop-b'));
    expect(pathTrustProblem(join(t.b, 'loop-a'), 0)?.what).toMatch(/cannot be checked \(ELOOP/);
  });
});
