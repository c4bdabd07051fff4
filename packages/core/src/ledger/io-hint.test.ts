import { describe, expect, it } from 'vitest';
import { AosError } from '../cli-kit/errors.js';
import { SHORT_WRITE_HINT, ShortWriteError, writeFailureHint } from './io-hint.js';

const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

describe('writeFailureHint', () => {
  it('names the cause a full disk, a quota, a file-size limit, a read-only mount or missing permission has', () => {
    expect(writeFailureHint(errno('ENOSPC'), 'x')).toContain('full (ENOSPC)');
    expect(writeFailureHint(errno('EDQUOT'), 'x')).toContain('quota');
    expect(writeFailureHint(errno('EFBIG'), 'x')).toContain('ulimit -f');
    expect(writeFailureHint(errno('EROFS'), 'x')).toContain('read-only');
    expect(writeFailureHint(errno('EACCES'), 'x')).toMatch(/^This user may not write there \(EACCES\): fix the memory directory's owner or mode/);
    expect(writeFailureHint(errno('EPERM'), 'x')).toContain('(EPERM)');
    expect(writeFailureHint(new ShortWriteError(40, 119), 'x')).toBe(SHORT_WRITE_HINT);
  });

  it('says where to write instead: another memory directory, by flag or variable', () => {
    expect(writeFailureHint(errno('EROFS'), 'x')).toBe('The memory directory is on a read-only file system (EROFS): remount it read-write, or point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable one.');
    expect(writeFailureHint(errno('EACCES'), 'x')).toBe("This user may not write there (EACCES): fix the memory directory's owner or mode, or point --memory-dir (AUTOPOIETIC_MEMORY_DIR) at a writable one.");
  });

  it('looks through wrapping errors, and keeps the caller\'s hint for anything else', () => {
    expect(writeFailureHint(new AosError('mkdir-failed', 'cannot create directory d (ENOSPC)', { cause: errno('ENOSPC') }), 'x')).toContain('ENOSPC');
    expect(writeFailureHint(errno('EIO'), 'check the disk')).toBe('check the disk');
    expect(writeFailureHint(new Error('plain'), 'fallback')).toBe('fallback');
  });
});
