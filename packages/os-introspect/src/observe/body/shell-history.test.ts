import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../../../../../tests/support/tmp.js';
import { historyChoice } from './index.js';
import { historyLines, readShellHistory } from './shell-history.js';

describe('shell history', () => {
  it('strips zsh extended-history prefixes', () => {
    expect(historyLines(': 1700000000:0;git status\n: 1700000001:12;ffmpeg -i a b\nplain\n\n')).toEqual(['git status', 'ffmpeg -i a b', 'plain']);
  });

  it('keeps the last N lines, bash first so zsh wins at the tail', () => {
    const home = tempDir();
    writeTree(home, { '.bash_history': 'b1\nb2\nb3\n', '.zsh_history': ': 1:0;z1\n: 2:0;z2\n' });
    const h = readShellHistory(home, 3, 'flag');
    expect(h).toEqual({ included: true, source: 'flag', files: [`${home}/.bash_history`, `${home}/.zsh_history`], entries: ['b3', 'z1', 'z2'] });
  });

  it('says so when there is no history file', () => {
    const h = readShellHistory(tempDir(), 10, 'observation.json');
    expect(h).toMatchObject({ included: true, entries: [], reason: expect.stringContaining('no .bash_history') });
  });

  it('is read only when asked for, or when observation.json says so', () => {
    expect(historyChoice(undefined, undefined)).toEqual({ include: false, reason: 'disabled' });
    expect(historyChoice(true, false)).toEqual({ include: true, source: 'flag' });
    expect(historyChoice(undefined, true)).toEqual({ include: true, source: 'observation.json' });
    expect(historyChoice(false, true)).toEqual({ include: false, reason: 'disabled' });
  });
});
