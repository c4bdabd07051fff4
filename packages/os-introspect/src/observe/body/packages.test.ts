import { describe, expect, it } from 'vitest';
import { parseNixEnv, parseProfileJson } from './packages.js';

describe('installed packages', () => {
  it('reads the object shape of nix profile list --json (Nix 2.20+)', () => {
    const doc = { version: 3, elements: { ripgrep: { active: true, storePaths: ['/nix/store/x-ripgrep'] }, fd: { active: true } } };
    expect(parseProfileJson(JSON.stringify(doc))).toEqual(['fd', 'ripgrep']);
  });

  it('reads the list shape (Nix 2.17-2.19): attrPath, else the store path name', () => {
    const doc = {
      version: 2,
      elements: [
        { attrPath: 'legacyPackages.x86_64-linux.hello', storePaths: ['/nix/store/0123456789abcdfghijklmnpqrsvwxyz-hello-2.12'] },
        { storePaths: ['/nix/store/0123456789abcdfghijklmnpqrsvwxyz-jq-1.7'] },
        // neither an attrPath nor a store path: no name to report, and no hole in the list
        { active: true, storePaths: [] },
      ],
    };
    expect(parseProfileJson(JSON.stringify(doc))).toEqual(['hello', 'jq-1.7']);
  });

  it('rejects other output, so the probe falls back to nix-env -q', () => {
    expect(parseProfileJson("error: unrecognised flag '--json'")).toBeUndefined();
    expect(parseProfileJson('{"version":1}')).toBeUndefined();
    expect(parseNixEnv('hello-2.12\n\njq-1.7\n')).toEqual(['hello-2.12', 'jq-1.7']);
  });
});
