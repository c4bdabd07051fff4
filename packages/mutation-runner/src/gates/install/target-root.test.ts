import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AosError } from '@autopoietic/core/cli-kit';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { checkTargetRoot } from './target-root.js';

/** The AosError checkTargetRoot throws for `root`, as code, message and exit. */
function refusal(root: string, allowLiveRoot = false): { code: string; message: string; exit: number } {
  try {
    checkTargetRoot(root, allowLiveRoot, 'install-apply');
  } catch (e) {
    if (e instanceof AosError) return { code: e.code, message: e.message, exit: e.exit };
    throw e;
  }
  throw new Error(`${root} was taken`);
}

describe('checkTargetRoot', () => {
  it('takes an existing directory, as its real path', () => {
    const dir = tempDir();
    expect(checkTargetRoot(join(dir, '.'), false, 'install-apply')).toBe(realpathSync(dir));
  });

  it('refuses a missing root, a file, a root on a kernel pseudo-file system, and / without --allow-live-root', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    expect(refusal(join(dir, 'missing'))).toMatchObject({ code: 'target-root-missing', exit: 1 });
    expect(refusal(join(dir, 'file'))).toMatchObject({ code: 'target-root-invalid', exit: 1 });
    expect(refusal('/proc/self')).toEqual({
      code: 'target-root-invalid',
      message: `target root /proc/self is on proc (${realpathSync('/proc/self')}), a kernel pseudo-file system that cannot hold a regular file`,
      exit: 1,
    });
    expect(refusal('/')).toMatchObject({ code: 'target-root-live', exit: 2 });
    expect(checkTargetRoot('/', true, 'install-apply')).toBe('/');
  });
});
