import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { AosError } from './errors.js';
import { guardWrittenDirectories, refuseDirectoryFlagsOnPseudoFs } from './directory-flags.js';

// Real commander programs: the guard is a preAction hook on each command that has a listed flag.
function program(ran: string[]): Command {
  const p = new Command('cli').exitOverride();
  p.command('flat').option('--work-dir <dir>').action(() => void ran.push('flat'));
  const outer = p.command('outer');
  outer.command('inner').option('--work-dir <dir>').action(() => void ran.push('inner'));
  p.command('other').option('--log-dir <dir>').action(() => void ran.push('other'));
  guardWrittenDirectories(p, { '--work-dir': 'e.g. /var/tmp' });
  return p;
}

async function refusal(args: string[]): Promise<AosError> {
  const ran: string[] = [];
  const err = await program(ran).parseAsync(args, { from: 'user' }).then(() => undefined, (e: unknown) => e);
  expect(ran).toEqual([]); // refused before the action
  expect(err).toBeInstanceOf(AosError);
  return err as AosError;
}

describe('guardWrittenDirectories', () => {
  it('refuses a listed flag on a pseudo-file system before the action, in nested subcommands too (exit 2)', async () => {
    for (const cmd of [['flat'], ['outer', 'inner']]) {
      const err = await refusal([...cmd, '--work-dir', '/proc/self/x']);
      expect([err.code, err.exit, err.message]).toEqual(['directory-on-pseudo-fs', 2, '--work-dir /proc/self/x is on proc (/proc/self), a kernel pseudo-file system that cannot hold a regular file']);
      expect(err.hint).toBe('Give --work-dir a directory on a disk or a tmpfs, e.g. /var/tmp.');
    }
  });

  it('names a relative value by its absolute path, resolved against the working directory', async () => {
    const cwd = process.cwd();
    // /proc, not /sys: a Nix build sandbox (the package's checkPhase) mounts no /sys.
    process.chdir('/proc');
    try {
      const err = await refusal(['flat', '--work-dir', 'aos-work']);
      expect(err.message).toBe('--work-dir /proc/aos-work is on proc (/proc), a kernel pseudo-file system that cannot hold a regular file');
    } finally {
      process.chdir(cwd);
    }
  });

  it('runs the action for an unlisted flag there, and for a listed one elsewhere', async () => {
    const ran: string[] = [];
    await program(ran).parseAsync(['other', '--log-dir', '/proc/self/x'], { from: 'user' });
    await program(ran).parseAsync(['outer', 'inner', '--work-dir', '/var/tmp/x'], { from: 'user' });
    expect(ran).toEqual(['other', 'inner']);
  });
});

describe('refuseDirectoryFlagsOnPseudoFs', () => {
  /** The parsed flags of a command, as commander's Command shows them. */
  const command = (values: Record<string, unknown>) => ({
    options: Object.keys(values).map((attr) => ({ long: `--${attr.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, attributeName: () => attr })),
    getOptionValue: (key: string) => values[key],
  });
  const remedies = { '--work-dir': 'e.g. /var/tmp' };

  it('refuses a listed flag on /proc (exit 2) with its path made absolute, the file system and the remedy', () => {
    let err: unknown;
    try {
      refuseDirectoryFlagsOnPseudoFs(command({ workDir: '/proc/self/x' }), remedies);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AosError);
    expect(err).toMatchObject({ code: 'directory-on-pseudo-fs', exit: 2, message: '--work-dir /proc/self/x is on proc (/proc/self), a kernel pseudo-file system that cannot hold a regular file', hint: 'Give --work-dir a directory on a disk or a tmpfs, e.g. /var/tmp.' });
  });

  it('leaves unlisted flags, absent flags and regular directories alone', () => {
    expect(() => refuseDirectoryFlagsOnPseudoFs(command({ outDir: '/proc/self/x', workDir: undefined }), remedies)).not.toThrow();
    expect(() => refuseDirectoryFlagsOnPseudoFs(command({ workDir: join(tempDir(), 'new') }), remedies)).not.toThrow();
  });
});
