import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';

// `--memory-dir /proc/self/m` was taken as a memory directory: `append` failed with "cannot
// create directory … (ENOENT)", and the reading commands (`list`, `lineage`, `ledger verify`)
// read no ledgers there and exited 0. No ledger can live on /proc or /sys: every command
// refuses it before any work (exit 2), with the one message the other CLIs give.
describe('--memory-dir on a kernel pseudo-file system', () => {
  it('is refused by the writing and the reading commands alike', () => {
    const cases: [string[], string, string, string][] = [
      [['append', '--goal', 'g', '--phase', 'P0'], '/proc/self/memory', 'proc', '/proc/self'],
      [['list', 'mutations'], '/proc/self/memory', 'proc', '/proc/self'],
      [['lineage'], '/sys/kernel/memory', 'sysfs', '/sys/kernel'],
      [['ledger', 'verify'], '/proc/self/memory', 'proc', '/proc/self'],
      [['organ', 'list'], '/sys/memory', 'sysfs', '/sys'],
    ];
    for (const [args, dir, kind, at] of cases) {
      const r = runCli('mutation-journal', [...args, '--memory-dir', dir]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error[directory-on-pseudo-fs]: --memory-dir ${dir} is on ${kind} (${at}), a kernel pseudo-file system that cannot hold a regular file\n`);
      expect(r.stderr).toContain('hint: Give --memory-dir a directory on a disk or a tmpfs, or leave it out for the default (see README "Ledgers").\n');
    }
  });
});
