import { describe, expect, it } from 'vitest';
import { errorText } from './action.js';
import { terminalLine, terminalText } from './terminal-text.js';

describe('terminalText', () => {
  it('shows escapes, C1 controls, CR and bidi overrides as \\u escapes, keeping tab, newline and other text', () => {
    expect(terminalText('a\u001b[2J\u001b]0;t\u0007b')).toBe('a\\u001b[2J\\u001b]0;t\\u0007b');
    expect(terminalText('x\ry\u009bz\u007f')).toBe('x\\u000dy\\u009bz\\u007f');
    expect(terminalText('evil\u202egnp.exe \u2067')).toBe('evil\\u202egnp.exe \\u2067');
    expect(terminalText('tab\tline\nü 日本 \u2014 ok')).toBe('tab\tline\nü 日本 \u2014 ok');
  });

  it('terminalLine also escapes line feeds, so the text stays on its line', () => {
    expect(terminalLine('x\rok: passed\nFORGED \u202e\tend')).toBe('x\\u000dok: passed\\u000aFORGED \\u202e\tend');
  });

  it('shows invisible format characters and line separators, keeping the joiners emoji and scripts need', () => {
    expect(terminalText('nix-flake-check\u200b \ufeffa\u2060b\u00adc \u2028\u2029 \u{e0041}')).toBe(
      'nix-flake-check\\u200b \\ufeffa\\u2060b\\u00adc \\u2028\\u2029 \\udb40\\udc41',
    );
    expect(terminalText('👩\u200d💻 क्\u200dष')).toBe('👩\u200d💻 क्\u200dष');
  });
});

describe('errorText', () => {
  it('indents every line after the first, so only the label starts at the margin', () => {
    expect(errorText('error[root-not-found]: ', 'no root /tmp/x\nerror[ok]: all good\r\nhint: rm -rf ~')).toBe('error[root-not-found]: no root /tmp/x\n  error[ok]: all good\n  hint: rm -rf ~');
    expect(errorText('hint: ', 'a\n\nb')).toBe('hint: a\n  \n  b');
  });

  it('keeps a list its message already indents as it is', () => {
    const listed = 'install-apply refused; nothing was written:\n  /etc/a: changed\n  /etc/b: changed';
    expect(errorText('error[target-conflict]: ', listed)).toBe(`error[target-conflict]: ${listed}`);
  });
});
