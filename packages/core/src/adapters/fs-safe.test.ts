import { spawnSync } from 'node:child_process';
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, rmdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../../tests/support/cli.js';
import { tempDir } from '../../../../tests/support/tmp.js';
import { AosError } from '../cli-kit/errors.js';
import { createNewFile, writeFileAtomic } from './fs-safe.js';
import { makeDirs, makeScratchDir, mkdirFailedHint } from './make-dirs.js';
import { isInsideDir, lexicalAbsolute, resolvedPath, sameFile, symlinkComponent } from './path-checks.js';

describe('writeFileAtomic', () => {
  it('creates a new file and replaces an existing one, leaving no temp file', () => {
    const dir = tempDir();
    const p = join(dir, 'seed.json');
    writeFileAtomic(p, 'one\n');
    expect(readFileSync(p, 'utf8')).toBe('one\n');
    writeFileAtomic(p, Buffer.from([0, 1, 2]));
    expect([...readFileSync(p)]).toEqual([0, 1, 2]);
    expect(readdirSync(dir)).toEqual(['seed.json']);
  });

  it('applies the requested mode exactly, whatever the umask', () => {
    const dir = tempDir();
    const p = join(dir, 'secret');
    const old = process.umask(0o077);
    try {
      writeFileAtomic(p, 'x', { mode: 0o644 });
    } finally {
      process.umask(old);
    }
    expect(statSync(p).mode & 0o777).toBe(0o644);
  });

  it('replaces a symlink at the path without writing its target', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'target'), 'original');
    symlinkSync('target', join(dir, 'link'));
    writeFileAtomic(join(dir, 'link'), 'new');
    expect(readFileSync(join(dir, 'target'), 'utf8')).toBe('original');
    expect(readFileSync(join(dir, 'link'), 'utf8')).toBe('new');
  });

  it('leaves no temp file and the old entry intact when the rename fails', () => {
    const dir = tempDir();
    // rename(file, non-empty dir) fails with EISDIR/ENOTEMPTY after the temp file was written.
    mkdirSync(join(dir, 'occupied'));
    writeFileSync(join(dir, 'occupied', 'keep'), 'k');
    expect(() => writeFileAtomic(join(dir, 'occupied'), 'data')).toThrow(/failed to write .*occupied atomically/);
    expect(readdirSync(dir)).toEqual(['occupied']);
    expect(readFileSync(join(dir, 'occupied', 'keep'), 'utf8')).toBe('k');
  });

  it('fails with a clear error when the directory is missing', () => {
    const dir = tempDir();
    const err = catchError(() => writeFileAtomic(join(dir, 'nope', 'f'), 'x'));
    expect(err).toBeInstanceOf(AosError);
    expect(err.message).toMatch(/nope\/f.*ENOENT/);
    expect(err.hint).toBeTruthy();
  });
});

describe('write-failed hints follow the errno', () => {
  const hintOf = (fn: () => void) => {
    const err = catchError(fn);
    expect(err.code).toBe('write-failed');
    return err.hint ?? '';
  };

  it('a missing directory is named as missing (ENOENT)', () => {
    const dir = tempDir();
    const target = join(dir, 'nope', 'f.json');
    for (const write of [writeFileAtomic, createNewFile]) {
      expect(hintOf(() => write(target, 'x'))).toBe(`There is no directory ${join(dir, 'nope')} (ENOENT): create it (\`mkdir -p\`), or write to another directory.`);
    }
  });

  it('a file where a directory should be is named (ENOTDIR)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain'), 'x');
    const target = join(dir, 'plain', 'sub', 'f.json');
    for (const write of [writeFileAtomic, createNewFile]) {
      expect(hintOf(() => write(target, 'x'))).toBe(`${join(dir, 'plain')} is not a directory (ENOTDIR), so ${target} cannot be made under it: move it out of the way, or write to another directory.`);
    }
    expect(readFileSync(join(dir, 'plain'), 'utf8')).toBe('x');
  });

  it('a directory where the file should be is named (EISDIR)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'occupied'));
    writeFileSync(join(dir, 'occupied', 'keep'), 'k');
    expect(hintOf(() => writeFileAtomic(join(dir, 'occupied'), 'x'))).toBe(`${join(dir, 'occupied')} is a directory (EISDIR): name a file in it, or remove the directory.`);
  });

  it('an ENOENT under a directory that is there says so, not that the directory is missing', () => {
    // A directory removed while held open: /proc/self/fd/N still stats as a directory (on the
    // disk, not on proc), and a file made in it fails with ENOENT.
    const gone = join(tempDir(), 'gone');
    mkdirSync(gone);
    const fd = openSync(gone, 'r');
    rmdirSync(gone);
    try {
      for (const write of [writeFileAtomic, createNewFile]) {
        expect(hintOf(() => write(`/proc/self/fd/${fd}/f.json`, 'x'))).toBe(`The write failed with ENOENT: check /proc/self/fd/${fd} and the file system that holds it.`);
      }
    } finally {
      closeSync(fd);
    }
  });

  it('a write cut off by the file-size limit (EFBIG) is named after the file opened, and nothing is left', () => {
    // RLIMIT_FSIZE through prlimit (no root needed); Node ignores SIGXFSZ, so write() fails instead.
    const dir = tempDir();
    const script = `
      import { createNewFile, writeFileAtomic } from './packages/core/src/adapters/fs-safe.ts';
      const hints = [];
      for (const [write, name] of [[writeFileAtomic, 'a.json'], [createNewFile, 'b.json']]) {
        try { write(process.argv[1] + '/' + name, 'x'.repeat(4096)); hints.push('written'); } catch (e) { hints.push([e.code, e.hint]); }
      }
      process.stdout.write(JSON.stringify(hints));`;
    const r = spawnSync('prlimit', ['--fsize=1000', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script, dir], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
    expect(r.status, r.stderr).toBe(0);
    const efbig = "The file reached the largest size this process may write (EFBIG): raise the file-size limit (`ulimit -f`, or the service's LimitFSIZE=), then retry.";
    expect(JSON.parse(r.stdout)).toEqual([['write-failed', efbig], ['write-failed', efbig]]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a directory on a kernel pseudo-file system is named as such, not as missing', () => {
    const target = `/proc/${process.pid}/x.json`;
    for (const write of [writeFileAtomic, createNewFile]) {
      expect(hintOf(() => write(target, 'x'))).toBe(`/proc/${process.pid} is on proc (/proc/${process.pid}), a kernel pseudo-file system that cannot hold a regular file: write to a regular directory instead.`);
    }
  });
});

describe('createNewFile', () => {
  it('creates a file that did not exist', () => {
    const dir = tempDir();
    createNewFile(join(dir, 'b.json'), '{}\n', { mode: 0o600 });
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe('{}\n');
    expect(statSync(join(dir, 'b.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses an existing regular file and leaves it untouched', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a'), 'keep');
    const err = catchError(() => createNewFile(join(dir, 'a'), 'x'));
    expect(err.code).toBe('output-exists');
    expect(err.message).toMatch(/failed to open output file/);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('keep');
  });

  it('refuses an existing symlink (even a dangling one) and never writes through it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'victim'), 'keep');
    symlinkSync('victim', join(dir, 'live'));
    symlinkSync('does-not-exist', join(dir, 'dangling'));
    expect(() => createNewFile(join(dir, 'live'), 'x')).toThrow(/already exists/);
    expect(() => createNewFile(join(dir, 'dangling'), 'x')).toThrow(/already exists/);
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('keep');
    expect(readdirSync(dir).sort()).toEqual(['dangling', 'live', 'victim']);
  });
});

describe('path checks', () => {
  it('lexicalAbsolute removes . and .. without following symlinks', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), join(dir, 'link'));
    expect(lexicalAbsolute('link/../safe/./x', dir)).toBe(join(dir, 'safe', 'x'));
    expect(lexicalAbsolute('/a/b/../c', dir)).toBe('/a/c');
  });

  it('symlinkComponent finds the first symlink among existing components', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real', 'sub'), { recursive: true });
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    symlinkSync('sub', join(dir, 'real', 'inner'));
    expect(symlinkComponent(join(dir, 'real', 'sub', 'missing', 'x'))).toBeUndefined();
    expect(symlinkComponent(join(dir, 'link', 'sub', 'x'))).toBe(join(dir, 'link'));
    expect(symlinkComponent(join(dir, 'real', 'inner', 'x'))).toBe(join(dir, 'real', 'inner'));
    expect(symlinkComponent('link', dir)).toBe(join(dir, 'link'));
    // the final component counts too, and a dangling link is still a link
    symlinkSync('nowhere', join(dir, 'dangling'));
    expect(symlinkComponent(join(dir, 'dangling'))).toBe(join(dir, 'dangling'));
    // below a missing component nothing can exist
    expect(symlinkComponent(join(dir, 'missing', '..', 'link'))).toBe(join(dir, 'link'));
  });

  it('resolvedPath resolves the existing prefix and keeps the missing rest', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(resolvedPath(join(dir, 'link', 'new', 'file'))).toBe(join(dir, 'real', 'new', 'file'));
    expect(resolvedPath(join(dir, 'link'))).toBe(join(dir, 'real'));
  });

  it('isInsideDir is lexical and realpath-aware', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'wt'));
    symlinkSync(join(dir, 'wt'), join(dir, 'alias'));
    expect(isInsideDir(join(dir, 'wt', 'a'), join(dir, 'wt'))).toBe(true);
    expect(isInsideDir(join(dir, 'wt'), join(dir, 'wt'))).toBe(true);
    expect(isInsideDir(join(dir, 'alias', 'a'), join(dir, 'wt'))).toBe(true);
    expect(isInsideDir(join(dir, 'wt', 'a'), join(dir, 'alias'))).toBe(true);
    expect(isInsideDir(join(dir, 'wt2', 'a'), join(dir, 'wt'))).toBe(false);
    expect(isInsideDir(join(dir, 'wt', '..b'), join(dir, 'wt'))).toBe(true);
    expect(isInsideDir(join(dir, 'wt', '..', 'b'), join(dir, 'wt'))).toBe(false);
    expect(isInsideDir('wt/x', 'wt', dir)).toBe(true);
  });

  it('sameFile matches hard links and symlink aliases, not copies or missing files', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a'), 'same');
    writeFileSync(join(dir, 'copy'), 'same');
    linkSync(join(dir, 'a'), join(dir, 'hard'));
    symlinkSync('a', join(dir, 'soft'));
    expect(sameFile(join(dir, 'a'), join(dir, 'hard'))).toBe(true);
    expect(sameFile(join(dir, 'a'), join(dir, 'soft'))).toBe(true);
    expect(sameFile(join(dir, 'a'), join(dir, 'copy'))).toBe(false);
    expect(sameFile(join(dir, 'a'), join(dir, 'missing'))).toBe(false);
  });
});

function catchError(fn: () => unknown): AosError {
  try {
    fn();
  } catch (e) {
    return e as AosError;
  }
  throw new Error('expected an error');
}

describe('makeDirs', () => {
  it('creates missing parents and returns the first directory it made, with the mode asked for', () => {
    const dir = tempDir();
    const deep = join(dir, 'a', 'b', 'c');
    const old = process.umask(0o022);
    try {
      expect(makeDirs(deep, 0o750)).toBe(join(dir, 'a'));
    } finally {
      process.umask(old);
    }
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o750);
  });

  it('returns undefined for an existing directory, also through a symlink', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'link'));
    expect(makeDirs(join(dir, 'real'))).toBeUndefined();
    expect(makeDirs(join(dir, 'link'))).toBeUndefined();
    expect(makeDirs(join(dir, 'link', 'new'))).toBe(join(dir, 'link', 'new'));
  });

  /** What makeDirs throws: the AosError, and the errno of Node's error behind it. */
  function failure(path: string): { code: string; message: string; errno: string | undefined } {
    try {
      makeDirs(path);
    } catch (e) {
      expect(e).toBeInstanceOf(AosError);
      const err = e as AosError;
      return { code: err.code, message: err.message, errno: (err.cause as NodeJS.ErrnoException | undefined)?.code };
    }
    throw new Error(`makeDirs(${path}) did not fail`);
  }

  it('refuses a path through or onto a regular file, naming the directory and the errno', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const file = join(dir, 'file');
    expect(failure(file)).toEqual({ code: 'mkdir-failed', message: `cannot create directory ${file}: ${file} exists and is not a directory (EEXIST)`, errno: 'EEXIST' });
    expect(failure(join(file, 'sub', 'dir'))).toMatchObject({ code: 'mkdir-failed', errno: 'ENOTDIR', message: `cannot create directory ${join(file, 'sub', 'dir')}: a parent of ${join(file, 'sub', 'dir')} is not a directory (ENOTDIR)` });
  });

  /** The hint of what makeDirs throws. */
  function hint(path: string): string | undefined {
    try {
      makeDirs(path);
    } catch (e) {
      return (e as AosError).hint;
    }
    throw new Error(`makeDirs(${path}) did not fail`);
  }

  it('hints by the errno: what is in the way, found on disk, and a pseudo-file system by its name', () => {
    const dir = tempDir();
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(hint(file)).toBe(`${file} exists and is not a directory (EEXIST): move it out of the way, or write to another directory.`);
    expect(hint(join(file, 'sub', 'dir'))).toBe(`${file} is not a directory (ENOTDIR), so ${join(file, 'sub', 'dir')} cannot be made under it: move it out of the way, or write to another directory.`);
    expect(hint('/proc/aos-no-such-dir/sub')).toBe('/proc is on proc (/proc), a kernel pseudo-file system that cannot hold a regular file: write to a regular directory instead.');
  });

  it("mkdirFailedHint ends with the caller's way elsewhere, whatever the errno, and names the level that failed", () => {
    const dir = tempDir();
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    const elsewhere = 'give --work-dir a writable directory';
    const causeOf = (path: string) => catchError(() => makeDirs(path)).cause;
    expect(mkdirFailedHint(causeOf(file), join(file, 'aos-x'), elsewhere)).toBe(`${file} exists and is not a directory (EEXIST): move it out of the way, or ${elsewhere}.`);
    expect(mkdirFailedHint(causeOf(join(file, 'sub')), join(file, 'sub', 'aos-x'), elsewhere)).toBe(`${file} is not a directory (ENOTDIR), so ${join(file, 'sub')} cannot be made under it: move it out of the way, or ${elsewhere}.`);
    expect(mkdirFailedHint(causeOf('/proc/aos-no-such-dir'), '/proc/aos-no-such-dir/aos-x', elsewhere)).toBe(`/proc is on proc (/proc), a kernel pseudo-file system that cannot hold a regular file: ${elsewhere}.`);
  });

  it('fails at once under /proc, where mkdirSync(..., { recursive: true }) never returns', () => {
    // procfs answers ENOENT for a name it cannot hold even though its parent exists.
    expect(failure('/proc/aos-no-such-dir/sub')).toEqual({ code: 'mkdir-failed', message: 'cannot create directory /proc/aos-no-such-dir/sub (ENOENT)', errno: 'ENOENT' });
    expect(failure('/proc/aos-no-such-dir')).toMatchObject({ code: 'mkdir-failed', errno: 'ENOENT' });
  });
});

describe('makeScratchDir', () => {
  const withTmpdir = <T>(dir: string, fn: () => T): T => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = dir;
    try {
      return fn();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  };

  it('makes a new private directory under TMPDIR', () => {
    const parent = tempDir('aos-scratch-');
    const dir = withTmpdir(parent, () => makeScratchDir('aos-x-', 'a test'));
    expect(dir.startsWith(join(parent, 'aos-x-'))).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('names TMPDIR, the cause and the purpose when it cannot (tmpdir-unusable, not a bare ENOENT)', () => {
    const missing = join(tempDir('aos-scratch-'), 'gone');
    let err: unknown;
    try {
      withTmpdir(missing, () => makeScratchDir('aos-x-', "the generator's sandbox"));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AosError);
    expect((err as AosError).code).toBe('tmpdir-unusable');
    expect((err as AosError).message).toBe(`cannot create a scratch directory in ${missing} (TMPDIR): ENOENT`);
    expect((err as AosError).hint).toContain("the generator's sandbox is made there");
  });
});
