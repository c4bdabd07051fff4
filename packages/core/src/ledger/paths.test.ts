import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { DEFAULT_ETC_DIR, ledgerPath, resolveEtcDir, resolveMemoryDir } from './paths.js';
import { aosErrorOf } from '../../../../tests/support/errors.js';

describe('resolveEtcDir', () => {
  it('takes --etc-dir, else AUTOPOIETIC_ETC_DIR, else /etc/autopoietic, against the working directory', () => {
    expect(resolveEtcDir({ etcDir: 'etc', env: { AUTOPOIETIC_ETC_DIR: '/x' }, cwd: '/w' })).toBe('/w/etc');
    expect(resolveEtcDir({ env: { AUTOPOIETIC_ETC_DIR: 'rel' }, cwd: '/w' })).toBe('/w/rel');
    expect(resolveEtcDir({ env: {}, cwd: '/w' })).toBe(DEFAULT_ETC_DIR);
  });

  it('treats an empty AUTOPOIETIC_ETC_DIR as unset, as the memory directory variable is (not as the working directory)', () => {
    expect(resolveEtcDir({ env: { AUTOPOIETIC_ETC_DIR: '' }, cwd: '/w' })).toBe(DEFAULT_ETC_DIR);
    const root = '/genome';
    expect(resolveMemoryDir({ root, env: { AUTOPOIETIC_MEMORY_DIR: '', AUTOPOIETIC_ETC_DIR: '/nonexistent-etc' }, cwd: '/w' }).dir).toBe(join(root, 'memory'));
  });
});

/** A genome (flake.nix), an etc dir and an outside directory, all real paths. */
function places(policy?: object | string | Buffer) {
  const base = tempDir();
  const root = join(base, 'genome');
  const etc = join(base, 'etc');
  mkdirSync(root);
  mkdirSync(etc);
  writeFileSync(join(root, 'flake.nix'), '{ outputs = _: { }; }\n');
  if (policy !== undefined) writeFileSync(join(etc, 'mutation-runner.json'), typeof policy === 'string' || Buffer.isBuffer(policy) ? policy : JSON.stringify(policy));
  return { base, root, etc, env: { AUTOPOIETIC_ETC_DIR: etc } as NodeJS.ProcessEnv };
}


describe('resolveMemoryDir', () => {
  it('takes memory_dir of a host policy that is valid whole', () => {
    const p = places({ mode: 'observe-only', memory_dir: '/var/lib/aos' });
    expect(resolveMemoryDir({ root: p.root, env: p.env })).toEqual({ dir: '/var/lib/aos', source: 'host-policy' });
  });

  it('refuses a policy with an unknown mode or field, or that cannot be read, even when it only wants memory_dir', () => {
    for (const bad of [{ mode: 'yolo', memory_dir: '/var/lib/aos' }, { mode: 'mutate-vm', memory_dir: '/m', version: 2 }, '{"mode":', Buffer.from('{"mode":"mutate-vm","memory_dir":"/m\xff"}', 'latin1')]) {
      const p = places(bad);
      const err = aosErrorOf(() => resolveMemoryDir({ root: p.root, env: p.env }));
      expect(err.code).toBe('host-policy-invalid');
      expect(err.exit).toBe(1);
      expect(err.message).toContain(join(p.etc, 'mutation-runner.json'));
      expect(err.hint).toMatch(/--memory-dir or AUTOPOIETIC_MEMORY_DIR/);
    }
    const p = places();
    mkdirSync(join(p.etc, 'mutation-runner.json'));
    expect(aosErrorOf(() => resolveMemoryDir({ root: p.root, env: p.env })).code).toBe('host-policy-unreadable');
  });

  it('does not read the policy when --memory-dir or AUTOPOIETIC_MEMORY_DIR names the directory', () => {
    const p = places({ mode: 'yolo' });
    expect(resolveMemoryDir({ root: p.root, memoryDir: 'm', cwd: p.base, env: p.env }).dir).toBe(join(p.base, 'm'));
    expect(resolveMemoryDir({ root: p.root, cwd: p.base, env: { ...p.env, AUTOPOIETIC_MEMORY_DIR: 'n' } }).dir).toBe(join(p.base, 'n'));
  });

  it('gives the real location of a memory directory reached through a symlink (created or not yet)', () => {
    const p = places();
    mkdirSync(join(p.root, 'state'));
    symlinkSync(join(p.root, 'state'), join(p.base, 'link'));
    expect(resolveMemoryDir({ root: p.root, memoryDir: join(p.base, 'link'), env: p.env }).dir).toBe(join(p.root, 'state'));
    expect(resolveMemoryDir({ root: p.root, memoryDir: join(p.base, 'link', 'new'), env: p.env }).dir).toBe(join(p.root, 'state', 'new'));
  });

  it('refuses the genome root as the memory directory, however it is named and wherever it comes from', () => {
    const p = places();
    symlinkSync(p.root, join(p.base, 'alias'));
    const spellings = [p.root, `${p.root}/`, join(p.root, 'hosts', '..'), join(p.base, 'alias')];
    for (const memoryDir of spellings) {
      const err = aosErrorOf(() => resolveMemoryDir({ root: p.root, memoryDir, env: p.env }));
      expect([err.code, err.exit]).toEqual(['memory-dir-is-genome-root', 2]);
      expect(err.message).toBe(`the memory directory ${p.root} (--memory-dir) is the genome root ${p.root}`);
    }
    // Found from the working directory (no --root), from the environment, from the policy.
    expect(aosErrorOf(() => resolveMemoryDir({ cwd: p.root, env: { ...p.env, AUTOPOIETIC_MEMORY_DIR: '.' } })).message).toContain('(AUTOPOIETIC_MEMORY_DIR)');
    writeFileSync(join(p.etc, 'mutation-runner.json'), JSON.stringify({ mode: 'mutate-vm', memory_dir: join(p.base, 'alias') }));
    const fromPolicy = aosErrorOf(() => resolveMemoryDir({ cwd: join(p.root), env: p.env }));
    expect([fromPolicy.code, fromPolicy.exit]).toEqual(['memory-dir-is-genome-root', 1]);
  });

  it('allows a memory directory below the genome root, outside it, or anywhere when there is no genome', () => {
    const p = places();
    expect(resolveMemoryDir({ root: p.root, memoryDir: join(p.root, 'state'), env: p.env }).dir).toBe(join(p.root, 'state'));
    expect(resolveMemoryDir({ root: p.root, memoryDir: p.base, env: p.env }).dir).toBe(p.base);
    // mutation-journal in a plain directory: the working directory is no genome.
    const plain = tempDir();
    expect(resolveMemoryDir({ cwd: plain, memoryDir: '.', env: p.env }).dir).toBe(plain);
  });
});

describe('resolveMemoryDir: what is there', () => {
  it('refuses a file, a link to nothing, a link loop or a path under a file; exit 1 when the policy names it', () => {
    const p = places();
    writeFileSync(join(p.base, 'file'), 'x');
    symlinkSync(join(p.base, 'nowhere'), join(p.base, 'dangling'));
    symlinkSync('loop', join(p.base, 'loop'));
    const expected: [string, string][] = [
      ['file', 'is a file, not a directory'],
      ['dangling', `is a symbolic link to ${join(p.base, 'nowhere')}, which does not exist`],
      ['loop', 'is a symbolic link that leads back to itself'],
      ['file/sub/memory', `lies under ${join(p.base, 'file')}, which is not a directory`],
    ];
    for (const [name, why] of expected) {
      const err = aosErrorOf(() => resolveMemoryDir({ root: p.root, memoryDir: join(p.base, name), env: p.env }));
      expect([err.code, err.exit, err.message]).toEqual(['memory-dir-not-a-directory', 2, `the memory directory ${join(p.base, name)} (--memory-dir) ${why}`]);
    }
    writeFileSync(join(p.etc, 'mutation-runner.json'), JSON.stringify({ mode: 'observe-only', memory_dir: join(p.base, 'file') }));
    expect(aosErrorOf(() => resolveMemoryDir({ root: p.root, env: p.env })).exit).toBe(1);
  });

  it('refuses a memory directory on /proc whatever chose it, with the remedy for that source; exit 1 when the policy names it', () => {
    const p = places();
    const cases: [() => unknown, string, 1 | 2, string][] = [
      [() => resolveMemoryDir({ root: p.root, memoryDir: '/proc/self/memory', env: p.env }), '--memory-dir /proc/self/memory', 2, 'Give --memory-dir a directory on a disk or a tmpfs'],
      [() => resolveMemoryDir({ root: p.root, env: { ...p.env, AUTOPOIETIC_MEMORY_DIR: '/proc/self/memory' } }), 'the memory directory /proc/self/memory (AUTOPOIETIC_MEMORY_DIR)', 2, 'Point AUTOPOIETIC_MEMORY_DIR at a directory'],
      [() => resolveMemoryDir({ root: '/proc/self', env: p.env }), 'the memory directory /proc/self/memory (the default)', 2, 'Run in a genome on a disk or a tmpfs'],
    ];
    // The policy is written last: the default memory directory above is chosen only without one.
    const policy = () => {
      writeFileSync(join(p.etc, 'mutation-runner.json'), JSON.stringify({ mode: 'observe-only', memory_dir: '/proc/self/memory' }));
      return resolveMemoryDir({ root: p.root, env: p.env });
    };
    cases.push([policy, 'the memory directory /proc/self/memory (memory_dir of the host policy)', 1, 'Set memory_dir in the host policy to a directory on a disk or a tmpfs.']);
    for (const [fn, named, exit, hint] of cases) {
      const err = aosErrorOf(fn);
      expect([err.code, err.exit, err.message]).toEqual(['directory-on-pseudo-fs', exit, `${named} is on proc (/proc/self), a kernel pseudo-file system that cannot hold a regular file`]);
      expect(err.hint).toContain(hint);
    }
  });

  it('takes a directory, or a path where none is yet', () => {
    const p = places();
    expect(resolveMemoryDir({ root: p.root, env: p.env }).dir).toBe(join(p.root, 'memory'));
    expect(resolveMemoryDir({ root: p.root, memoryDir: join(p.base, 'a', 'b'), env: p.env }).dir).toBe(join(p.base, 'a', 'b'));
  });
});

describe('empty and blank places', () => {
  it('refuses an empty or blank --memory-dir, --etc-dir or --root, and a blank variable (exit 2); an empty variable is unset', () => {
    const cases: [() => unknown, string][] = [
      [() => resolveMemoryDir({ memoryDir: '', cwd: '/w', env: {} }), '--memory-dir must not be empty'],
      [() => resolveMemoryDir({ memoryDir: ' \t', cwd: '/w', env: {} }), '--memory-dir must not be empty'],
      [() => resolveMemoryDir({ cwd: '/w', env: { AUTOPOIETIC_MEMORY_DIR: ' ' } }), 'AUTOPOIETIC_MEMORY_DIR must not be blank'],
      [() => resolveEtcDir({ etcDir: '', cwd: '/w', env: {} }), '--etc-dir must not be empty'],
      [() => resolveEtcDir({ cwd: '/w', env: { AUTOPOIETIC_ETC_DIR: '\n' } }), 'AUTOPOIETIC_ETC_DIR must not be blank'],
      [() => resolveMemoryDir({ root: '', cwd: '/w', env: { AUTOPOIETIC_ETC_DIR: '/nonexistent-etc' } }), '--root must not be empty'],
    ];
    for (const [fn, message] of cases) {
      const err = aosErrorOf(fn);
      expect([err.code, err.exit, err.message]).toEqual(['flag-blank', 2, message]);
    }
  });
});

describe('ledgerPath', () => {
  it('takes an explicit ledger path as given, made absolute (links kept, for the commands that refuse them)', () => {
    const p = places();
    symlinkSync(p.root, join(p.base, 'alias'));
    expect(ledgerPath('mutations', 'alias/x.jsonl', { cwd: p.base })).toBe(join(p.base, 'alias', 'x.jsonl'));
    expect(ledgerPath('mutations', undefined, { memoryDir: 'alias/m', cwd: p.base, env: p.env })).toBe(join(p.root, 'm', 'mutations.jsonl'));
  });
});
