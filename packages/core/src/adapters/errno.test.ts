import { describe, expect, it } from 'vitest';
import { AosError } from '../cli-kit/errors.js';
import { deniedErrno, errnoOf, isNoRoom } from './errno.js';

const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

describe('errnoOf and isNoRoom', () => {
  it('finds the errno of an error or of a cause it wraps, and nothing in codes that are not errnos', () => {
    expect(errnoOf(errno('ENOSPC'))).toBe('ENOSPC');
    expect(errnoOf(new AosError('candidate-copy-failed', 'cannot copy x', { cause: errno('EDQUOT') }))).toBe('EDQUOT');
    expect(errnoOf(new AosError('ledger-io', 'x'))).toBeUndefined(); // an AosError code is not an errno
    expect(errnoOf('ENOSPC')).toBeUndefined();
    // Upper-case codes that are not errnos (undici's), under an errno-less wrapper too.
    expect(errnoOf(Object.assign(new Error('socket closed'), { code: 'UND_ERR_SOCKET' }))).toBeUndefined();
    // Node's own codes start with E too, and are no errno: the hint would be the errno's.
    expect(errnoOf(Object.assign(new Error('File size is greater than 2 GiB'), { code: 'ERR_FS_FILE_TOO_LARGE' }))).toBeUndefined();
    expect(errnoOf(new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'ERR_FS_FILE_TOO_LARGE' }) }))).toBeUndefined();
    expect(errnoOf(errno('E2BIG'))).toBe('E2BIG');
    expect(errnoOf(new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }))).toBeUndefined();
  });

  it('says a write found no room on a full disk, a used-up quota or a file-size limit, not on other failures', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EFBIG']) {
      expect(isNoRoom(errno(code))).toBe(true);
      expect(isNoRoom(code)).toBe(true);
    }
    for (const code of ['EROFS', 'EACCES', 'EIO']) expect(isNoRoom(errno(code))).toBe(false);
    expect(isNoRoom(new Error('plain'))).toBe(false);
  });

  it('says permission was denied for EACCES and EPERM only, also through a cause', () => {
    expect(deniedErrno(errno('EACCES'))).toBe('EACCES');
    expect(deniedErrno(new Error('wrapped', { cause: errno('EPERM') }))).toBe('EPERM');
    expect(deniedErrno('EACCES')).toBe('EACCES');
    for (const code of ['EROFS', 'ENOENT', 'ENOSPC']) expect(deniedErrno(errno(code))).toBeUndefined();
    expect(deniedErrno(undefined)).toBeUndefined();
  });
});
