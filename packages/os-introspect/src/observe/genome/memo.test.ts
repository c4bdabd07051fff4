import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../../tests/support/tmp.js';
import { checksum } from './checksum.js';
import { snapshotPath } from './cache.js';
import { genomeKey, readMemo, writeMemo, type KeyInputs, type Memo } from './memo.js';

const base: KeyInputs = {
  root: '/g',
  files: [{ rel: 'flake.nix', digest: 'ab'.repeat(32) }, { rel: 'bad.nix', status: 'unreadable', reason: 'EACCES' }],
  skipped: [{ rel: 'link', reason: 'symbolic link' }],
  lockText: '{"version": 7}',
  packageDirs: [{ name: 'tool', type: 'cli', source: 'packages/tool', line: null, detected_by: 'bin of packages/tool/package.json' }],
};

/** A memo whose stored properties come in several buffers (as `modules` does), with a per-run one between them. */
function sampleMemo(key: string): Memo {
  const b = (s: string) => Buffer.from(s, 'utf8');
  return {
    key,
    hosts: [],
    nixFiles: [],
    pains: [],
    pieces: { layout: [['description', [b('"a genome"')]], ['nix_files', null], ['modules', [b('[\n'), b('    {"path": "ä.nix"}'), b('\n  ]')]]] },
  };
}

describe('genome memo key', () => {
  it('changes when any input of the assembled genome changes, and only then', () => {
    const key = genomeKey(base);
    expect(genomeKey({ ...base, files: [...base.files].reverse() }), 'file order is not an input').toBe(key);
    const changed: Partial<KeyInputs>[] = [
      { root: '/h' },
      { files: [{ rel: 'flake.nix', digest: 'cd'.repeat(32) }, base.files[1]!] },
      { files: [base.files[0]!, { rel: 'bad.nix', status: 'unreadable', reason: 'EIO' }] },
      // A skipped entry is printed in the genome: a new one must not serve the old genome.
      { skipped: [] },
      { skipped: [{ rel: 'link', reason: 'special file' }] },
      { lockText: '{"version": 7, "nodes": {}}' },
      { lockText: undefined },
      // package.json bins are organs, and no Nix file digest covers them.
      { packageDirs: [] },
      { packageDirs: [{ ...(base.packageDirs as object[])[0], name: 'tool2' }] },
    ];
    for (const c of changed) expect(genomeKey({ ...base, ...c }), JSON.stringify(c)).not.toBe(key);
  });
});

describe('genome memo file', () => {
  it('reads back what was written, each stored property whole, across several buffers', async () => {
    const dir = tempDir();
    await writeMemo(dir, '/g', sampleMemo('k1'));
    const memo = readMemo(dir, '/g', 'k1');
    expect(memo, 'a memo just written is served').toBeDefined();
    const text = memo!.pieces.layout.map(([k, b]) => [k, b === null ? null : Buffer.concat(b).toString('utf8')]);
    expect(text).toEqual([['description', '"a genome"'], ['nix_files', null], ['modules', '[\n    {"path": "ä.nix"}\n  ]']]);
    expect(readMemo(dir, '/g', 'k2'), 'another key').toBeUndefined();
  });

  it('is not served when its lengths do not add up, even with a checksum that matches (a hand edit)', async () => {
    const dir = tempDir();
    await writeMemo(dir, '/g', sampleMemo('k1'));
    const path = snapshotPath(dir, '/g', 'genome');
    const whole = readFileSync(path);
    const recrc = (rest: Buffer) => Buffer.concat([Buffer.from(`${checksum(rest)} `, 'latin1'), rest]);
    for (const rest of [whole.subarray(9, -3), Buffer.concat([whole.subarray(9), Buffer.from('\n  "x": 1')])]) {
      writeFileSync(path, recrc(rest));
      expect(readMemo(dir, '/g', 'k1')).toBeUndefined();
    }
    writeFileSync(path, recrc(whole.subarray(9)));
    expect(readMemo(dir, '/g', 'k1'), 'the same bytes, re-checksummed, are served').toBeDefined();
  });
});
