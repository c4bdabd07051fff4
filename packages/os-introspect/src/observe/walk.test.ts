import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { pathUnder, walkTree } from './walk.js';

describe('walkTree with lazyStat (the genome walk of a first run)', () => {
  it('stats no regular file, and reports everything else as a full walk does', () => {
    const root = tempDir('aos-walk-');
    writeFileSync(join(root, 'a.nix'), '{ }\n');
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'b.nix'), '{ }\n');
    execFileSync('mkfifo', [join(root, 'pipe.nix')]);
    symlinkSync('a.nix', join(root, 'link.nix'));
    symlinkSync('missing.nix', join(root, 'dangling.nix'));
    writeFileSync(Buffer.concat([Buffer.from(`${root}/`), Buffer.from('caf\xe9.nix', 'latin1')]), '{ }\n');
    const want = (name: string) => name.endsWith('.nix');

    const lazy = walkTree(root, { want, lazyStat: true });
    const full = walkTree(root, { want });
    const byRel = new Map(lazy.files.map((f) => [f.rel, f]));
    expect(byRel.get('a.nix')?.stat).toBeUndefined();
    expect(byRel.get('sub/b.nix')?.stat).toBeUndefined();
    expect(byRel.get('pipe.nix')?.stat?.isFIFO()).toBe(true);
    expect(byRel.get('link.nix')).toMatchObject({ linkTarget: 'a.nix' });
    expect(byRel.get('link.nix')?.stat?.isFile()).toBe(true);
    // The same files, links and problems (a dangling link, a name that is not UTF-8) as a full walk.
    expect(lazy.files.map((f) => [f.rel, f.linkTarget])).toEqual(full.files.map((f) => [f.rel, f.linkTarget]));
    expect(lazy.problems).toEqual(full.problems);
    expect(lazy.problems.map((p) => p.rel).sort()).toEqual(['caf\uFFFD.nix', 'dangling.nix']);
  });
});

describe('pathUnder (join for names readdir gave)', () => {
  it('is path.join for a normalised root, and names the same file for any other', () => {
    const rels = ['a.nix', 'sub/b.nix', 'deep/er/c d.nix'];
    for (const root of ['/', '/tmp/g', '/tmp/g/', '/tmp//g']) for (const rel of rels) expect(pathUnder(root)(rel)).toBe(join(root, rel));
    for (const root of ['.', 'g/../h', './g/']) for (const rel of [...rels, '']) expect(resolve(pathUnder(root)(rel))).toBe(resolve(join(root, rel)));
  });
});
