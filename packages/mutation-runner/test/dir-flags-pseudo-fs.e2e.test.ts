import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliVia } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { onTmpfs } from '../../../tests/support/tmpfs.js';
import { fixtureGenome, ledger, memoryDir, readmeProposal, repoSnapshot, runner } from './support.js';

// A directory flag on /proc or /sys got a raw errno late: `propose --out-dir /proc/self` exited 1
// with ENOENT after reading the whole change, `verify --work-dir /proc/self/x` journaled an error
// ("it cannot be created there (ENOENT)"), `evolve --work-dir` ran every attempt into it, and
// `--memory-dir /proc/self/m` said "cannot create directory … (ENOENT)". No file can be made on
// such a file system: each is now refused before any work, as --output is (exit 2).
const PID = String(process.pid);

/** The refusal of `flag value` (on `kind`, found at `at`) and its hint. */
function expectRefused(r: { code: number; stdout: string; stderr: string }, flag: string, value: string, kind: string, at: string): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(`error[directory-on-pseudo-fs]: ${flag} ${value} is on ${kind} (${at}), a kernel pseudo-file system that cannot hold a regular file\n`);
  expect(r.stderr).toMatch(new RegExp(`^hint: Give ${flag} a directory on a disk or a tmpfs`, 'm'));
}

describe('directory flags on a kernel pseudo-file system', () => {
  it('propose refuses --out-dir and --memory-dir there before reading the change, writing nothing', () => {
    const root = fixtureGenome();
    writeFileSync(join(root, 'README.md'), 'changed\n');
    const before = repoSnapshot(root);
    const mem = memoryDir();
    for (const [flag, value, kind, at] of [
      ['--out-dir', '/proc/self', 'proc', '/proc/self'],
      ['--out-dir', `/proc/${PID}/x`, 'proc', `/proc/${PID}`],
      ['--out-dir', '/sys/kernel/aos', 'sysfs', '/sys/kernel'],
      ['--memory-dir', '/proc/self/memory', 'proc', '/proc/self'],
    ] as const) {
      const place = flag === '--out-dir' ? ['--memory-dir', mem] : ['--out-dir', tempDir()];
      const r = runner(['propose', '--goal', 'g', '--root', root, ...place, flag, value]);
      expectRefused(r, flag, value, kind, at);
    }
    expect(repoSnapshot(root)).toEqual(before);
    expect(existsSync(mem)).toBe(false);
  });

  it('verify and promote refuse --work-dir and --memory-dir there, journaling nothing', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    for (const gate of [['verify'], ['promote', '--parent-genome', 'git:abc']]) {
      for (const [flag, value, kind, at] of [
        ['--work-dir', '/proc/self/x', 'proc', '/proc/self'],
        ['--work-dir', '/sys', 'sysfs', '/sys'],
        ['--memory-dir', '/sys/fs/aos-memory', 'sysfs', '/sys/fs'],
      ] as const) {
        const mem = memoryDir();
        const r = runner([...gate, '--proposal', proposal, '--root', root, ...(flag === '--memory-dir' ? [] : ['--memory-dir', mem]), flag, value]);
        expectRefused(r, flag, value, kind, at);
        expect(existsSync(mem)).toBe(false);
      }
    }
  });

  it('evolve refuses --proposals-dir and --work-dir there before running the generator or journaling an attempt', () => {
    const root = fixtureGenome();
    const dir = tempDir();
    const marker = join(dir, 'ran');
    const generator = join(dir, 'generator.sh');
    writeFileSync(generator, `#!/bin/sh\ntouch '${marker}'\n`, { mode: 0o755 });
    for (const [flag, value] of [
      ['--proposals-dir', '/proc/self/x'],
      ['--work-dir', '/proc/self/x'],
    ] as const) {
      const mem = memoryDir();
      const r = runner(['evolve', '--goal', 'g', '--generator', generator, '--root', root, '--memory-dir', mem, flag, value]);
      expectRefused(r, flag, value, 'proc', '/proc/self');
      expect(existsSync(mem)).toBe(false);
      expect(existsSync(marker)).toBe(false);
    }
  });

  it('install-plan refuses a --target-root there (exit 2): no seed file could ever be installed into it', () => {
    const mem = memoryDir();
    const r = runner(['install-plan', '--promotion-id', 'pro-x', '--target-root', '/proc/self/root-x', '--parent-generation', 'a', '--resulting-generation', 'b', '--memory-dir', mem, '--record']);
    expectRefused(r, '--target-root', '/proc/self/root-x', 'proc', '/proc/self');
    expect(r.stderr).toContain('the mount point of the installed system');
    expect(existsSync(mem)).toBe(false);
  });

  it('still takes a directory reached through a /proc link to a real one, and a relative one', () => {
    // /proc/self/cwd leads to the working directory itself: statfs follows it to the real disk.
    const root = fixtureGenome();
    writeFileSync(join(root, 'README.md'), 'changed\n');
    const out = tempDir();
    const r = runner(['propose', '--goal', 'g', '--root', root, '--memory-dir', memoryDir(), '--out-dir', '/proc/self/cwd/pending'], { cwd: out });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(out, 'pending'))).toEqual([r.json().mutation_id]);
  });
});

// The candidate's directory in a work dir that takes no new entry is an error record (a CI job's
// TMPDIR is no flag): its reason names the cause as every directory core makes does (write-hint.ts),
// with the remedy for what chose the directory.
describe('a work dir the candidate cannot be made in', () => {
  it('names a $TMPDIR on a kernel pseudo-file system as such, instead of a bare ENOENT', () => {
    const root = fixtureGenome();
    const mem = memoryDir();
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', mem], { env: { TMPDIR: '/proc/self/x' } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.json().reason).toBe(
      'failed to create isolated candidate: cannot create the candidate in /proc/self/x ($TMPDIR): /proc/self is on proc (/proc/self), a kernel pseudo-file system that cannot hold a regular file: point TMPDIR (or --work-dir) at a writable directory on a disk with free space, e.g. /var/tmp.',
    );
    expect(ledger(join(mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['error']);
  });

  it('names a read-only --work-dir (EROFS, a tmpfs mounted ro in a private mount namespace)', () => {
    const root = fixtureGenome();
    const mem = memoryDir();
    const work = tempDir('aos-ro-');
    const args = ['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', mem, '--work-dir', work];
    const r = runCliVia(onTmpfs(work, 'ro'), 'mutation-runner', args);
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).reason).toBe(
      `failed to create isolated candidate: cannot create the candidate in ${work} (--work-dir): ${work} is on a read-only file system (EROFS): remount it read-write, or give --work-dir a writable directory on a disk with free space, e.g. /var/tmp.`,
    );
  });
});
