import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { summarizeProject } from './projects.js';

describe('project sampling', () => {
  it('says when a directory under the root could not be listed, rather than give the counts as the whole tree', () => {
    const root = tempDir();
    writeFileSync(join(root, 'a.nix'), '');
    // A directory whose name is not UTF-8 cannot be opened by the name node reads (as any user,
    // root too, unlike a mode-000 directory); its files are missing from the sample.
    execFileSync('sh', ['-c', 'd="$1/src-$(printf "\\377")" && mkdir "$d" && touch "$d/x.ts" "$d/y.ts"', 'sh', root]);
    const p = summarizeProject(root, 100);
    expect(p).toMatchObject({ exists: true, sampled_files: 1, truncated: false, top_suffixes: [['.nix', 1]] });
    expect(p.reason).toMatch(/^1 directory under the root could not be listed: its files are not in the sample \(first: src-\uFFFD: its name is not valid UTF-8/);
  });

  it('gives no reason for symlinks it does not follow (a loop, a result link out of the tree)', () => {
    const root = tempDir();
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'src', 'main.rs'), '');
    symlinkSync('/nix/store/0123456789abcdfghijklmnpqrsvwxyz-x', join(root, 'result'));
    symlinkSync('loop', join(root, 'loop'));
    symlinkSync('..', join(root, 'src', 'up'));
    expect(summarizeProject(root, 100)).toEqual({ path: root, exists: true, sampled_files: 1, truncated: false, top_suffixes: [['.rs', 1]] });
  });

  it('names a root it cannot sample', () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), '');
    expect(summarizeProject(join(root, 'file'), 10)).toEqual({ path: join(root, 'file'), exists: true, reason: 'not a directory: nothing sampled' });
    expect(summarizeProject(join(root, 'gone'), 10)).toEqual({ path: join(root, 'gone'), exists: false, reason: 'does not exist' });
  });
});
