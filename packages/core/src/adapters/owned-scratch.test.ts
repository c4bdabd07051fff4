import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { makeOwnedScratchDir, removeDeadScratchDirs } from './owned-scratch.js';
import { processStart } from './process-owner.js';

const OWNER = '.autopoietic-owner.json';

function withTmpdir<T>(dir: string, fn: () => T): T {
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** A pid that a real process had and that is gone now (it has exited and been reaped). */
function deadPid(): number {
  const r = spawnSync('true');
  expect(r.status).toBe(0);
  return r.pid!;
}

function ownerText(dir: string, o: Record<string, unknown>): string {
  return JSON.stringify({ tool: 'autopoietic-scratch-v1', dir, pid: process.pid, host: hostname(), start: processStart(process.pid), ...o });
}

/** Rewrites the owner file of `dir` (it is read-only) with `o` over its current content. */
function setOwner(dir: string, o: Record<string, unknown>): void {
  const file = join(dir, OWNER);
  chmodSync(file, 0o644);
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...o }));
}

describe('makeOwnedScratchDir', () => {
  it('writes a read-only owner file naming the directory, this process, its start time and host', () => {
    const parent = tempDir('aos-owned-');
    const dir = withTmpdir(parent, () => makeOwnedScratchDir('aos-own-', 'a test'));
    expect(dir.startsWith(join(parent, 'aos-own-'))).toBe(true);
    expect(readdirSync(dir)).toEqual([OWNER]);
    expect(statSync(join(dir, OWNER)).mode & 0o777).toBe(0o444);
    expect(JSON.parse(readFileSync(join(dir, OWNER), 'utf8'))).toEqual({
      tool: 'autopoietic-scratch-v1',
      dir: basename(dir),
      pid: process.pid,
      host: hostname(),
      start: processStart(process.pid),
    });
  });
});

describe('removeDeadScratchDirs', () => {
  it("removes only directories whose owner file names them and whose owner is gone, never following a symlink", () => {
    const parent = tempDir('aos-owned-');
    const outside = tempDir('aos-outside-');
    const make = () => withTmpdir(parent, () => makeOwnedScratchDir('aos-own-', 'a test'));
    const dead = deadPid();
    // Made first: making one removes the dead ones of its prefix (tested below).
    const [left, reused, live, otherHost, foreign] = [make(), make(), make(), make(), make()] as [string, string, string, string, string];

    // Left by a dead run: a read-only tree (as a generator's genome copy) with links out of it.
    setOwner(left, { pid: dead });
    mkdirSync(join(left, 'genome', 'sub'), { recursive: true });
    writeFileSync(join(left, 'genome', 'sub', 'f.nix'), '{ }\n');
    mkdirSync(join(outside, 'target'));
    writeFileSync(join(outside, 'target', 'keep.txt'), 'keep\n');
    chmodSync(join(outside, 'target'), 0o555);
    symlinkSync(join(outside, 'target'), join(left, 'link-to-dir'));
    // Linked before the tree is made read-only: only root could add to it afterwards.
    symlinkSync(join(outside, 'target', 'keep.txt'), join(left, 'genome', 'link-to-file'));
    chmodSync(join(left, 'genome', 'sub'), 0o555);
    chmodSync(join(left, 'genome'), 0o555);
    // Its pid now belongs to another process (this one): the start time tells them apart.
    setOwner(reused, { start: 'not-its-start-time' });

    setOwner(otherHost, { pid: dead, host: 'elsewhere.invalid' });
    const legacy = join(parent, 'aos-own-Legacy'); // an older run's: no owner file
    mkdirSync(legacy);
    // An owner file copied into another directory does not vouch for it.
    const copied = join(parent, 'aos-own-Copied');
    mkdirSync(copied);
    writeFileSync(join(copied, OWNER), ownerText(basename(left), { pid: dead }));
    // A symlink named like one, to a directory whose owner file names the link.
    const linkTarget = join(outside, 'linked');
    mkdirSync(linkTarget);
    writeFileSync(join(linkTarget, OWNER), ownerText('aos-own-Linked', { pid: dead }));
    symlinkSync(linkTarget, join(parent, 'aos-own-Linked'));
    // An owner file that is a symlink to a valid one.
    const viaLink = join(parent, 'aos-own-ViaLnk');
    mkdirSync(viaLink);
    writeFileSync(join(outside, 'owner.json'), ownerText('aos-own-ViaLnk', { pid: dead }));
    symlinkSync(join(outside, 'owner.json'), join(viaLink, OWNER));
    // Garbage, another prefix, and a name mkdtemp never makes.
    const garbage = join(parent, 'aos-own-Garbge');
    mkdirSync(garbage);
    writeFileSync(join(garbage, OWNER), '{"tool":"autopoietic-scratch-v1","dir":"aos-own-Garbge","pid":"1"}');
    const otherPrefix = join(parent, 'aos-else-Abcdef');
    mkdirSync(otherPrefix);
    writeFileSync(join(otherPrefix, OWNER), ownerText('aos-else-Abcdef', { pid: dead }));
    const longName = join(parent, 'aos-own-TooLong1');
    mkdirSync(longName);
    writeFileSync(join(longName, OWNER), ownerText('aos-own-TooLong1', { pid: dead }));
    // Another user's, owner file and all (only root can make one here).
    const asRoot = process.getuid?.() === 0;
    setOwner(foreign, { pid: dead });
    if (asRoot) {
      chownSync(join(foreign, OWNER), 65534, 65534);
      chownSync(foreign, 65534, 65534);
    }

    const removed = withTmpdir(parent, () => removeDeadScratchDirs('aos-own-'));

    expect(removed.sort()).toEqual([left, reused, ...(asRoot ? [] : [foreign])].sort());
    for (const kept of [live, otherHost, legacy, copied, viaLink, garbage, otherPrefix, longName, ...(asRoot ? [foreign] : [])]) expect(existsSync(kept), kept).toBe(true);
    expect(lstatSync(join(parent, 'aos-own-Linked')).isSymbolicLink()).toBe(true);
    expect(readdirSync(linkTarget)).toEqual([OWNER]);
    // Nothing behind the links was entered or made writable.
    expect(readFileSync(join(outside, 'target', 'keep.txt'), 'utf8')).toBe('keep\n');
    expect(statSync(join(outside, 'target')).mode & 0o777).toBe(0o555);
    expect(readFileSync(join(outside, 'owner.json'), 'utf8')).toContain('aos-own-ViaLnk');
    chmodSync(join(outside, 'target'), 0o755);
  });

  it('is what makeOwnedScratchDir does first, for its own prefix', () => {
    const parent = tempDir('aos-owned-');
    const make = (prefix: string) => withTmpdir(parent, () => makeOwnedScratchDir(prefix, 'a test'));
    const [dead, other] = [make('aos-own-'), make('aos-else-')];
    setOwner(dead, { pid: deadPid() });
    setOwner(other, { pid: deadPid() });
    const fresh = make('aos-own-');
    expect([existsSync(dead), existsSync(other), existsSync(fresh)]).toEqual([false, true, true]);
  });

  it('removes nothing, quietly, when TMPDIR cannot be listed', () => {
    const missing = join(tempDir('aos-owned-'), 'gone');
    expect(withTmpdir(missing, () => removeDeadScratchDirs('aos-own-'))).toEqual([]);
  });
});
