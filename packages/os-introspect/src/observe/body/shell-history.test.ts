import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../../../../../tests/support/tmp.js';
import { historyChoice } from './index.js';
import { bashCommands, readShellHistory, zshCommands } from './shell-history.js';

describe('shell history', () => {
  it('strips zsh extended-history prefixes', () => {
    expect(zshCommands(Buffer.from(': 1700000000:0;git status\n: 1700000001:12;ffmpeg -i a b\nplain\n\n'))).toEqual(['git status', 'ffmpeg -i a b', 'plain']);
  });

  it('restores the bytes zsh metafies, and keeps a multi-line zsh command whole', () => {
    // zsh stores `à` (C3 A0) as C3 83 80, and a newline inside a command as `\` + newline.
    const text = Buffer.concat([Buffer.from(': 1:0;echo voil'), Buffer.from([0xc3, 0x83, 0x80]), Buffer.from('\n: 2:0;for f in *; do\\\n  ffmpeg -i $f x\\\ndone\nls')]);
    expect(zshCommands(text)).toEqual(['echo voilà', 'for f in *; do\n  ffmpeg -i $f x\ndone', 'ls']);
  });

  it('drops the timestamp lines bash writes with HISTTIMEFORMAT', () => {
    expect(bashCommands(Buffer.from('#1700000000\ngit status\n#1700000001\nls -la\r\n'))).toEqual(['git status', 'ls -la']);
  });

  it('reads a multi-line command bash kept whole (lithist, HISTTIMEFORMAT) as one command, as bash reads it back', () => {
    // A real interactive bash session writes the file: with cmdhist and lithist it stores the
    // loop with its newlines, each entry after a `#<epoch>` line.
    const home = tempDir();
    const session = 'shopt -s cmdhist lithist\nfor f in a.mp4 b.mp4; do\n  ffmpeg -i "$f" "${f%.mp4}.webm"\ndone\nls -la\n';
    const bash = spawnSync('bash', ['--norc', '--noprofile', '-i'], { input: session, env: { PATH: process.env.PATH, HOME: home, HISTFILE: join(home, '.bash_history'), HISTTIMEFORMAT: '%F ' }, encoding: 'utf8' });
    expect(bash.status).toBe(0);
    const h = readShellHistory(home, 10, 'flag');
    expect(h.entries).toEqual(['shopt -s cmdhist lithist', 'for f in a.mp4 b.mp4; do\n  ffmpeg -i "$f" "${f%.mp4}.webm"\ndone', 'ls -la']);
  });

  it('drops a timestamped bash command cut by the tail whole, and a timestamp with no command after it', () => {
    const home = tempDir();
    const inside = `#1700000000\nfor f in *; do\n  echo ${'x'.repeat(600 * 1024)}\n  ffmpeg -i $f out\ndone\n#1700000001\nls\n#1700000002\n`;
    writeTree(home, { '.bash_history': inside });
    expect(readShellHistory(home, 10, 'flag').entries).toEqual(['ls']);
  });

  it('reads a file that does not start with a timestamp one command a line, as bash does', () => {
    // HISTTIMEFORMAT set only later: bash reads each line as an entry and the `#` lines as timestamps.
    expect(bashCommands(Buffer.from('echo x\n#1700000001\nfor a in 1; do\necho $a\n'))).toEqual(['echo x', 'for a in 1; do', 'echo $a']);
    // The whole file is not read, but its start says how it was written.
    expect(bashCommands(Buffer.from('  echo $a\ndone\n#1700000001\nls\n'), true, Buffer.from('#1'))).toEqual(['ls']);
    expect(bashCommands(Buffer.from('  echo $a\ndone\n#1700000001\nls\n'), true, Buffer.from('ec'))).toEqual(['done', 'ls']);
  });

  it('keeps the last N lines, bash first so zsh wins at the tail', () => {
    const home = tempDir();
    writeTree(home, { '.bash_history': 'b1\nb2\nb3\n', '.zsh_history': ': 1:0;z1\n: 2:0;z2\n' });
    const h = readShellHistory(home, 3, 'flag');
    expect(h).toEqual({ included: true, source: 'flag', files: [`${home}/.bash_history`, `${home}/.zsh_history`], entries: ['b3', 'z1', 'z2'] });
  });

  it('reads only the tail of a large file, and no fragment of a line cut by it', () => {
    const home = tempDir();
    writeTree(home, { '.bash_history': `${'x'.repeat(600 * 1024)}\nlast command\n`, '.zsh_history': `: 1:0;${'y'.repeat(600 * 1024)}` });
    expect(readShellHistory(home, 10, 'flag').entries).toEqual(['last command']);
  });

  it('drops a zsh command over several lines whole when the tail starts inside it, not its other lines as a command', () => {
    const home = tempDir();
    const inside = `: 1:0;for f in *; do\\\n  echo ${'x'.repeat(600 * 1024)}\\\n  ffmpeg -i $f out\\\ndone\n: 2:0;ls\n`;
    writeTree(home, { '.zsh_history': inside });
    expect(readShellHistory(home, 10, 'flag').entries).toEqual(['ls']);
  });

  it('names a history file it cannot read, rather than call it absent', () => {
    const home = tempDir();
    writeTree(home, { '.zsh_history': ': 1:0;ls\n', '.bash_history/x': '' });
    expect(readShellHistory(home, 10, 'flag')).toEqual({
      included: true,
      source: 'flag',
      reason: `cannot read ${home}/.bash_history (not a regular file)`,
      files: [`${home}/.zsh_history`],
      entries: ['ls'],
    });
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
