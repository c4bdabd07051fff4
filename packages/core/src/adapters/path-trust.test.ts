import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, lchownSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { pathTrustProblem, statProblem } from './path-trust.js';

// Real files and modes. Another user's file is made directly in /tmp (sticky, root's, or in a
// Nix build sandbox the unmapped root's), where no directory of ours stands in front of it: as
// root it is given to nobody; as another user (the Nix build runs these as uid 1000) it is that
// user's own, and root is the reader who must refuse it.
const asRoot = process.geteuid?.() === 0;
const NOBODY = 65534;
/** A uid that is neither root, nor the owner of what othersObject makes. */
const THIRD = 4242;
const made: string[] = [];
afterEach(() => {
  for (const p of made.splice(0)) rmSync(p, { recursive: true, force: true });
});

/** `make(path)` directly in /tmp, owned by a user who is not root; returns the path and that owner. */
function othersObject(make: (path: string) => void, link = false): { path: string; owner: number } {
  const path = join('/tmp', `aos-trust-${randomUUID()}`);
  make(path);
  made.push(path);
  if (!asRoot) return { path, owner: process.geteuid!() };
  (link ? lchownSync : chownSync)(path, NOBODY, NOBODY);
  return { path, owner: NOBODY };
}

/** Groups that hold other users than the owner of what they may write (the default reads /etc/group). */
const othersInGroup = () => false;

/** <tmp>/a/b/policy.json, every part 0755/0644 and this user's: trusted, until a test loosens one part. */
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
  it('trusts a file only its owner can change, and finds one whose mode lets another user change it', () => {
    const t = tree();
    expect(pathTrustProblem(t.file)).toBeUndefined();
    chmodSync(t.file, 0o666);
    expect(pathTrustProblem(t.file)).toEqual({ path: t.file, what: `file ${t.file} is writable by every user (mode 0666)`, fix: `Remove that write permission: \`chmod o-w ${t.file}\`` });
    chmodSync(t.file, 0o664);
    expect(pathTrustProblem(t.file, undefined, othersInGroup)?.what).toMatch(
      new RegExp(`^file ${t.file} is writable by its group \\(gid \\d+, mode 0664\\), which holds other users than its owner$`),
    );
    expect(pathTrustProblem(t.file, undefined, othersInGroup)?.fix).toContain('chmod g-w');
  });

  it("lets a group that holds only the owner write (a user's own group under umask 002), asking about the object's own owner and group", () => {
    const t = tree();
    chmodSync(t.b, 0o775);
    chmodSync(t.file, 0o664);
    const asked: [number, number][] = [];
    const ownersOnly = (owner: number, gid: number) => {
      asked.push([owner, gid]);
      return true;
    };
    expect(pathTrustProblem(t.file, undefined, ownersOnly)).toBeUndefined();
    const me = process.geteuid!();
    const myGid = process.getegid!();
    expect(asked).toEqual([
      [me, myGid],
      [me, myGid],
    ]);
    // Others' write is refused whatever the group.
    chmodSync(t.file, 0o666);
    expect(pathTrustProblem(t.file, undefined, ownersOnly)?.what).toContain('is writable by every user');
  });

  it('depends on the reader: a non-root user\'s file is trusted by that user, refused by root and by a third user', () => {
    const { path, owner } = othersObject((p) => writeFileSync(p, '{}', { mode: 0o644 }));
    expect(pathTrustProblem(path, owner)).toBeUndefined();
    expect(pathTrustProblem(path, 0)).toMatchObject({ path, what: expect.stringMatching(new RegExp(`^file ${path} is owned by uid ${owner}, not by root[ :]`)), fix: `Give it to root: \`chown root ${path}\`` });
    expect(pathTrustProblem(path, THIRD)?.what).toContain(`is owned by uid ${owner}, not by root or the user reading it (uid ${THIRD})`);
    // What root owns is trusted by every reader.
    expect(pathTrustProblem('/tmp', THIRD)).toBeUndefined();
  });

  it('trusts the owner of /, who holds every path anyway (the unmapped root of a Nix build sandbox)', () => {
    const file = { uid: NOBODY, gid: 100, mode: 0o100644 };
    expect(statProblem('/nix/store/x', 'file', file, { reader: 1000, rootOwner: NOBODY, ownerOnlyGroup: othersInGroup })).toBeUndefined();
    expect(statProblem('/nix/store/x', 'file', file, { reader: 1000, rootOwner: 0, ownerOnlyGroup: othersInGroup })?.what).toBe(`file /nix/store/x is owned by uid ${NOBODY}, not by root or the user reading it (uid 1000): that user can change it`);
    expect(statProblem('/x', 'file', { ...file, uid: THIRD }, { reader: 1000, rootOwner: NOBODY, ownerOnlyGroup: othersInGroup })?.what).toBe(`file /x is owned by uid ${THIRD}, not by root or the user reading it (uid 1000) or the owner of / (uid ${NOBODY}): that user can change it`);
  });

  it('names the directory, at any depth, through which another user could replace the file', () => {
    const t = tree();
    chmodSync(t.a, 0o777);
    expect(pathTrustProblem(t.file)).toEqual({ path: t.a, what: `directory ${t.a} is writable by every user (mode 0777)`, fix: `Remove that write permission: \`chmod o-w ${t.a}\`` });
    chmodSync(t.a, 0o755);
    chmodSync(t.b, 0o775);
    expect(pathTrustProblem(t.file, undefined, othersInGroup)?.what).toMatch(new RegExp(`^directory ${t.b} is writable by its group \\(gid \\d+, mode 0775\\)`));
    // A directory of another user's: whatever is in it, that user can replace.
    const dir = othersObject((p) => mkdirSync(p, { mode: 0o755 }));
    writeFileSync(join(dir.path, 'policy.json'), '{}', { mode: 0o644 });
    expect(pathTrustProblem(join(dir.path, 'policy.json'), 0)?.path).toBe(dir.path);
  });

  it('lets a sticky directory be writable by others (/tmp, /nix/store at 1775), as others cannot replace what is in it', () => {
    const t = tree();
    chmodSync(t.a, 0o1777);
    chmodSync(t.b, 0o1775);
    expect(pathTrustProblem(t.file)).toBeUndefined();
    // The sticky bit does not make a file trusted.
    chmodSync(t.file, 0o1666);
    expect(pathTrustProblem(t.file)?.path).toBe(t.file);
  });

  it('checks the directories of a missing file: whoever can write them could have removed it', () => {
    const t = tree();
    const missing = join(t.b, 'absent.json');
    expect(pathTrustProblem(missing)).toBeUndefined();
    expect(pathTrustProblem(join(t.b, 'no', 'such', 'file'))).toBeUndefined();
    chmodSync(t.b, 0o777);
    expect(pathTrustProblem(missing)?.path).toBe(t.b);
    expect(pathTrustProblem(join(t.b, 'no', 'such', 'file'))?.path).toBe(t.b);
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
    expect(pathTrustProblem(policy)).toBeUndefined();
    // A directory reached only through the links counts as much as one on the path as written.
    chmodSync(join(store, 'xyz-etc'), 0o777);
    expect(pathTrustProblem(policy)?.path).toBe(join(store, 'xyz-etc'));
    chmodSync(join(store, 'xyz-etc'), 0o755);
    chmodSync(real, 0o666);
    expect(pathTrustProblem(policy)?.path).toBe(real);
  });

  it('refuses a link another user owns (in a sticky directory that user could replace it)', () => {
    const link = othersObject((p) => symlinkSync('/tmp', p), true);
    expect(pathTrustProblem(link.path, 0)).toMatchObject({
      path: link.path,
      what: expect.stringMatching(new RegExp(`^symbolic link ${link.path} is owned by uid ${link.owner}, not by root`)),
      fix: `Give it to root: \`chown -h root ${link.path}\``,
    });
    expect(pathTrustProblem(link.path, link.owner)).toBeUndefined();
  });

  it('does not trust what it cannot check: a link loop', () => {
    const t = tree();
    symlinkSync('loop-b', join(t.b, 'loop-a'));
    symlinkSync('loop-a', join(t.b, 'loop-b'));
    expect(pathTrustProblem(join(t.b, 'loop-a'))?.what).toMatch(/cannot be checked \(ELOOP/);
  });
});
