import { describe, expect, it } from 'vitest';
import { fetchFailure } from './fetch-failure.js';

// Nix 2.8's own words (captured offline), not paraphrases.
const TRACE = "(use '--show-trace' to show detailed location information)\n";

describe('fetchFailure', () => {
  it('names a github input from the API URL Nix could not reach', () => {
    const r = fetchFailure(`error: unable to download 'https://api.github.com/repos/NixOS/nixpkgs/commits/nixos-23.11': Couldn't resolve host name (6)\n${TRACE}`);
    expect(r).toMatch(/^cannot fetch 'https:\/\/api\.github\.com\/repos\/NixOS\/nixpkgs\/commits\/nixos-23\.11' \(input github:NixOS\/nixpkgs\): Couldn't resolve host name \(6\); the network/);
  });

  it('reads git\'s reason for a git+https and a git+ssh input', () => {
    expect(fetchFailure(`fatal: unable to access 'https://example.invalid/x.git/': Could not resolve host: example.invalid\nerror: program 'git' failed with exit code 128\n${TRACE}`)).toMatch(
      /^cannot fetch 'https:\/\/example\.invalid\/x\.git\/': Could not resolve host: example\.invalid;/,
    );
    const ssh = "ssh: Could not resolve hostname example.invalid: Name or service not known\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\nerror: program 'git' failed with exit code 128\n";
    expect(fetchFailure(ssh)).toMatch(/^cannot fetch 'ssh:\/\/example\.invalid': Name or service not known;/);
  });

  it('leaves answers and other failures alone', () => {
    expect(fetchFailure("error: unable to download 'https://example.com/x.tar.gz': HTTP error 404 (22)\n")).toBeUndefined();
    expect(fetchFailure("fatal: '/nonexistent/x' does not appear to be a git repository\nerror: program 'git' failed with exit code 128\n")).toBeUndefined();
    expect(fetchFailure("error: getting status of '/nonexistent/x': No such file or directory\n")).toBeUndefined();
    // A retried download that later failed for another reason: only the error Nix stopped on counts.
    expect(fetchFailure("warning: error: unable to download 'https://cache.nixos.org/x.narinfo': Couldn't resolve host name (6); retrying\nerror: builder for '/nix/store/a-x.drv' failed with exit code 1\n")).toBeUndefined();
    expect(fetchFailure('')).toBeUndefined();
  });
});
