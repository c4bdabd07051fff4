import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp.js';
import { changedGenome } from './evolve-support.js';
import { makeUnwritable } from './fixtures/install/run.js';
import { memoryDir, runner } from './support.js';

// propose keeps a private git index in a scratch directory under TMPDIR (the live .git is never
// written): a TMPDIR that is missing, read-only or full must be named, not crash.


function proposeWith(root: string, out: string, env: Record<string, string>) {
  return runner(['propose', '--root', root, '--memory-dir', memoryDir(), '--goal', 'g', '--out-dir', out], { env });
}

describe('mutation-runner propose with an unusable TMPDIR', () => {
  it('names a missing TMPDIR (not error[internal]) and writes no proposal', () => {
    const root = changedGenome();
    const out = join(tempDir('aos-out-'), 'pending');
    const missing = join(tempDir(), 'no-such-dir');
    const r = proposeWith(root, out, { TMPDIR: missing });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('error[internal]');
    expect(r.stderr).toContain('error[tmpdir-unusable]');
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toContain('ENOENT');
    expect(r.stderr).toContain('TMPDIR');
    expect(existsSync(out)).toBe(false);
  });

  it('names a read-only TMPDIR the same way', () => {
    const root = changedGenome();
    const out = join(tempDir('aos-out-'), 'pending');
    const tmp = tempDir();
    mkdirSync(join(tmp, 'ro'));
    const undo = makeUnwritable(join(tmp, 'ro'));
    let r: ReturnType<typeof runner>;
    try {
      r = proposeWith(root, out, { TMPDIR: join(tmp, 'ro') });
    } finally {
      undo();
    }
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[tmpdir-unusable]');
    expect(r.stderr).toMatch(/EACCES|EPERM/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(tmp, 'ro'))).toEqual([]);
  });
});
