import { describe, expect, it } from 'vitest';
import { parseNixEnv, parseProfileJson, parseProfileText } from './packages.js';

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

  it('names a flake\'s default package by its store path, not "default" (every flake\'s would be)', () => {
    const doc = { version: 2, elements: [{ attrPath: 'packages.x86_64-linux.default', storePaths: ['/nix/store/vyjfah19a7ci0rn3czprjzc6r67zhck8-tool-1.0'] }] };
    expect(parseProfileJson(JSON.stringify(doc))).toEqual(['tool-1.0']);
  });

  it('reads the text of nix profile list before Nix 2.17 (no --json; nix-env -q refuses such a profile)', () => {
    // Nix 2.8.0's output: two store paths installed by path, three flake outputs.
    const text = [
      '0 - - /nix/store/pnbf9sv69wv79ni1k0xk2av21277gpyw-hello-h5-1.0',
      '1 - - /nix/store/7am0qk0wy8mbczirsq6nwilxrnlmsfxm-jq-h5-1.7',
      '2 path:/tmp/h5/flk#packages.x86_64-linux.hello path:/tmp/h5/flk?lastModified=1795731896&narHash=sha256-ZatBM++3fQIGqIqNfXLkTW8DQ2buLkWfaJuNxwQFUt4=#packages.x86_64-linux.hello /nix/store/7d04zk91p1fbq322a7lgwv5g92wvi31n-hello-2.12',
      '3 path:/tmp/h5/flk#legacyPackages.x86_64-linux.sub.ripgrep path:/tmp/h5/flk?lastModified=1795731896&narHash=sha256-ZatBM++3fQIGqIqNfXLkTW8DQ2buLkWfaJuNxwQFUt4=#legacyPackages.x86_64-linux.sub.ripgrep /nix/store/2wrs99wac5546w7ifgxx0vq7hhqcqcl6-ripgrep-14.1',
      '4 path:/tmp/h5/flk#packages.x86_64-linux.default path:/tmp/h5/flk?lastModified=1795731896&narHash=sha256-ZatBM++3fQIGqIqNfXLkTW8DQ2buLkWfaJuNxwQFUt4=#packages.x86_64-linux.default /nix/store/vyjfah19a7ci0rn3czprjzc6r67zhck8-tool-1.0',
      '',
    ].join('\n');
    expect(parseProfileText(text)).toEqual(['hello', 'hello-h5-1.0', 'jq-h5-1.7', 'ripgrep', 'tool-1.0']);
    expect(parseProfileText('')).toEqual([]);
    // Not this output: the 2.17+ text, or an error.
    expect(parseProfileText('Name:               hello\nStore paths:        /nix/store/x-hello\n')).toBeUndefined();
    expect(parseProfileText("error: unrecognised flag '--json'")).toBeUndefined();
  });

  it('rejects other output, so the probe falls back to nix-env -q', () => {
    expect(parseProfileJson("error: unrecognised flag '--json'")).toBeUndefined();
    expect(parseProfileJson('{"version":1}')).toBeUndefined();
    expect(parseNixEnv('hello-2.12\n\njq-1.7\n')).toEqual(['hello-2.12', 'jq-1.7']);
  });
});
