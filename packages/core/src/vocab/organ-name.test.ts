import { describe, expect, it } from 'vitest';
import { organNameProblem, quotedName } from './organ-name.js';

describe('organNameProblem', () => {
  it('names the first refused character by code point, kind and position (in characters, not UTF-16 units)', () => {
    expect(organNameProblem('👩‍💻 dev')).toBeUndefined();
    expect(organNameProblem('😀a\u007fb')).toBe('contains U+007F (a control character) at character 3');
    expect(organNameProblem('x\u{E0041}')).toBe('contains U+E0041 (an invisible formatting character) at character 2');
    expect(organNameProblem('a\u00adb')).toBe('contains U+00AD (an invisible formatting character) at character 2');
    expect(organNameProblem('\u200D \u200C')).toBe('has no visible character (only joiners and spaces)');
  });
});

describe('quotedName', () => {
  it('escapes every refused character, astral ones as their two UTF-16 units, and leaves the rest', () => {
    expect(quotedName('a\nb\u202e\u{E0041}ü')).toBe('"a\\nb\\u202e\\udb40\\udc41ü"');
  });
});
