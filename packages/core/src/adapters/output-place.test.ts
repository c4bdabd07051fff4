import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../../tests/support/tmp.js';
import { checkOutputPath } from './output-file.js';
import { outputPlaceProblem } from './output-place.js';

const REPLACE = { createsParents: true };
const CREATE_NEW = { createsParents: false, createNew: true };

function problem(output: string, writer: { createsParents: boolean; createNew?: boolean }) {
  const e = outputPlaceProblem('--output', output, 'out.json', writer);
  return e && { code: e.code, exit: e.exit, message: e.message, hint: e.hint };
}

describe('outputPlaceProblem', () => {
  it('finds a file on the way to the output, however deep, for either writer', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'report.json'), '{}');
    for (const output of [join(dir, 'report.json', 'x.json'), join(dir, 'report.json', 'a', 'b', 'x.json')]) {
      for (const writer of [REPLACE, CREATE_NEW]) {
        expect(problem(output, writer)).toEqual({
          code: 'output-parent-not-directory',
          exit: 2,
          message: `--output ${output}: ${join(dir, 'report.json')} is not a directory, so no file can be made under it`,
          hint: `Move ${join(dir, 'report.json')} out of the way, or write to a file in a directory, e.g. --output out.json.`,
        });
      }
    }
  });

  it('names a dangling symlink on the way as such', () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'nowhere'), join(dir, 'link'));
    expect(problem(join(dir, 'link', 'x.json'), REPLACE)?.message).toBe(`--output ${join(dir, 'link', 'x.json')}: ${join(dir, 'link')} is a symlink to nothing, so no file can be made under it`);
  });

  it('accepts missing directories when the writer makes them, and refuses them when it does not', () => {
    const dir = tempDir();
    const output = join(dir, 'new', 'deeper', 'x.json');
    expect(problem(output, REPLACE)).toBeUndefined();
    expect(problem(output, CREATE_NEW)).toMatchObject({ code: 'output-parent-missing', message: `--output ${output}: its directory ${join(dir, 'new', 'deeper')} does not exist` });
    // A symlink to a directory is a directory.
    mkdirSync(join(dir, 'real'));
    symlinkSync(join(dir, 'real'), join(dir, 'via'));
    expect(problem(join(dir, 'via', 'x.json'), CREATE_NEW)).toBeUndefined();
  });

  it('refuses an existing entry, a dangling symlink too, only for a create-new writer', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'old.json'), '{}');
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.json'));
    for (const name of ['old.json', 'dangling.json']) {
      expect(problem(join(dir, name), CREATE_NEW)).toMatchObject({ code: 'output-exists', exit: 2 });
      expect(problem(join(dir, name), REPLACE)).toBeUndefined();
    }
  });

  it('is checked by checkOutputPath only when the caller says how it writes', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'f'), '');
    const under = join(dir, 'f', 'x.json');
    expect(checkOutputPath('--output', under, 'out.json')).toBe(under);
    expect(() => checkOutputPath('--output', under, 'out.json', REPLACE)).toThrow(/is not a directory, so no file can be made under it/);
  });
});
