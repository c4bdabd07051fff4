import { describe, expect, it } from 'vitest';
import { AosError, describeError, describeWithHint } from './errors.js';

describe('describeWithHint', () => {
  it('follows the text of an AosError (and its causes) with its hint', () => {
    const e = new AosError('git-missing', 'cannot run git: spawn git ENOENT', { hint: 'Install git and make sure it is on PATH.' });
    expect(describeWithHint(e)).toBe('cannot run git: spawn git ENOENT. Install git and make sure it is on PATH.');
    const wrapped = new AosError('candidate-copy-failed', 'cannot copy a.nix', { hint: 'Free space.', cause: new Error('ENOSPC: no space left on device') });
    expect(describeWithHint(wrapped)).toBe('cannot copy a.nix: ENOSPC: no space left on device. Free space.');
  });

  it('ends the text once before the hint, whatever punctuation or newline it ended with', () => {
    const hint = { hint: 'Install git.' };
    expect(describeWithHint(new AosError('x', 'git said: fatal: bad object\n', hint))).toBe('git said: fatal: bad object. Install git.');
    expect(describeWithHint(new AosError('x', 'cannot run git;', hint))).toBe('cannot run git. Install git.');
    expect(describeWithHint(new AosError('x', 'cannot run git: ', hint))).toBe('cannot run git. Install git.');
  });

  it('is describeError for anything without a hint', () => {
    expect(describeWithHint(new AosError('x', 'plain'))).toBe('plain');
    expect(describeWithHint(new Error('boom', { cause: new Error('deeper') }))).toBe(describeError(new Error('boom', { cause: new Error('deeper') })));
    expect(describeWithHint('a string')).toBe('a string');
  });
});
