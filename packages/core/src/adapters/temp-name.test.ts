import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTempName, tempPathFor } from './temp-name.js';

describe('temp file names', () => {
  it('names a hidden temp file beside the file, carrying its base name and this pid', () => {
    const temp = tempPathFor('/var/lib/aos/memory/self-state.json');
    expect(dirname(temp)).toBe('/var/lib/aos/memory');
    expect(basename(temp)).toMatch(new RegExp(`^\\.self-state\\.json\\.tmp-${process.pid}-[0-9a-f]{12}$`));
    expect(parseTempName(basename(temp))).toEqual({ target: 'self-state.json', pid: process.pid });
  });

  it('gives each write a name of its own', () => {
    expect(tempPathFor('/m/a.json')).not.toBe(tempPathFor('/m/a.json'));
  });

  it('reads only names it makes: not the file itself, another dot file, or a random suffix of another shape', () => {
    for (const name of ['self-state.json', '.self-state.json', 'self-state.json.tmp-1-0123456789ab', '.a.json.tmp-x-0123456789ab', '.a.json.tmp-1-0123456789', '.a.json.123.k1ll3d.tmp', 'notes.tmp']) {
      expect(parseTempName(name), name).toBeUndefined();
    }
    expect(parseTempName('.a.b.json.tmp-42-0123456789ab')).toEqual({ target: 'a.b.json', pid: 42 });
  });
});
