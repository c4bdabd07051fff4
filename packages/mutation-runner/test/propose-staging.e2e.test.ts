import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp.js';
import { changedGenome } from './evolve-support.js';
import { memoryDir, runner } from './support.js';

// A propose (or evolve) killed mid-write leaves its hidden staging directory
// `.<mutation id>.staging-<pid>-<12 hex>` in the output directory. The next propose there removes
// the ones whose writer is gone, and keeps those of live writers; a staging directory of the older
// naming (no pid) is removed only once it is older than any write (an hour).


/** A staging directory made by a real process that is then killed with SIGKILL, as propose would be mid-write. */
function killedWriterStaging(out: string, id: string): string {
  const script = `const fs = require('node:fs');
const dir = require('node:path').join(process.argv[1], '.' + process.argv[2] + '.staging-' + process.pid + '-0123456789ab');
fs.mkdirSync(dir);
fs.writeFileSync(dir + '/patch.diff', 'half a patch');
process.kill(process.pid, 'SIGKILL');`;
  const r = spawnSync(process.execPath, ['-e', script, out, id]);
  expect(r.signal).toBe('SIGKILL');
  const name = `.${id}.staging-${r.pid}-0123456789ab`;
  expect(readdirSync(out)).toContain(name);
  return name;
}

function stagingDir(out: string, name: string, ageSeconds = 0): string {
  mkdirSync(join(out, name));
  writeFileSync(join(out, name, 'proposal.json'), '{}');
  const then = Date.now() / 1000 - ageSeconds;
  utimesSync(join(out, name), then, then);
  return name;
}

describe('mutation-runner propose after a writer was killed mid-write', () => {
  it('removes staging directories of dead writers, keeps a live writer\'s and a fresh one of the old naming', () => {
    const root = changedGenome();
    const out = join(tempDir('aos-out-'), 'pending');
    mkdirSync(out);
    const dead = killedWriterStaging(out, 'mut-killed');
    const live = stagingDir(out, `.mut-live.staging-${process.pid}-00000000abcd`);
    const legacyFresh = stagingDir(out, '.mut-old.staging-0123456789ab', 60);
    const legacyStale = stagingDir(out, '.mut-older.staging-ba9876543210', 2 * 3600);
    const notStaging = stagingDir(out, '.mut-other.staging-notours', 2 * 3600);

    const r = runner(['propose', '--root', root, '--memory-dir', memoryDir(), '--goal', 'g', '--out-dir', out, '--mutation-id', 'mut-new']);
    expect(r.code, r.stderr).toBe(0);
    const left = readdirSync(out).sort();
    expect(left).toEqual([live, legacyFresh, notStaging, 'mut-new'].sort());
    expect(left).not.toContain(dead);
    expect(left).not.toContain(legacyStale);
  });
});
