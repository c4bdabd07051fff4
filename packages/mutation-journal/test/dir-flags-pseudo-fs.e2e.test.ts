import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

// `--memory-dir /proc/self/m` was taken as a memory directory: `append` failed with "cannot
// create directory … (ENOENT)", and the reading commands (`list`, `lineage`, `ledger verify`)
// read no ledgers there and exited 0. No ledger can live on /proc or /sys: every command
// refuses it before any work (exit 2), with the one message the other CLIs give, whatever chose
// the memory directory (core ledger/paths.ts checks it where it is resolved).
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

  it('is refused alike when AUTOPOIETIC_MEMORY_DIR chose it, by mutation-journal and os-introspect', () => {
    const env = { AUTOPOIETIC_MEMORY_DIR: '/proc/self/memory' };
    for (const [cli, args] of [
      ['mutation-journal', ['list', 'mutations']],
      ['os-introspect', ['--root', tempDir()]],
    ] as const) {
      const r = runCli(cli, [...args], { env });
      expect(r.code, `${cli}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('error[directory-on-pseudo-fs]: the memory directory /proc/self/memory (AUTOPOIETIC_MEMORY_DIR) is on proc (/proc/self), a kernel pseudo-file system that cannot hold a regular file\n');
      expect(r.stderr).toContain('hint: Point AUTOPOIETIC_MEMORY_DIR at a directory on a disk or a tmpfs, or unset it for the default.\n');
    }
  });
});
