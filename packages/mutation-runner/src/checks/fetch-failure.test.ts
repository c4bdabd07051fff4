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

describe('fetchFailure of a fetcher derivation', () => {
  it('names the download a builder could not make (offline builtin:fetchurl)', () => {
    const stderr = [
      "building '/nix/store/7smp-src.tar.gz.drv'...",
      "error: builder for '/nix/store/7smp-src.tar.gz.drv' failed with exit code 1;",
      '       last 1 log lines:',
      "       > error: unable to download 'https://example.invalid/src-42.tar.gz': Couldn't resolve host name (6)",
      "       For full logs, run 'nix log /nix/store/7smp-src.tar.gz.drv'.",
      '',
    ].join('\n');
    expect(fetchFailure(stderr)).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/src-42\.tar\.gz': Couldn't resolve host name \(6\); the network .* \(building \/nix\/store\/7smp-src\.tar\.gz\.drv\)$/);
  });

  it('leaves a builder that failed for its own reasons alone', () => {
    const stderr = "error: builder for '/nix/store/a-check.drv' failed with exit code 3;\n       last 1 log lines:\n       > seed-smoke: BROKEN marker present\n";
    expect(fetchFailure(stderr)).toBeUndefined();
  });
});

describe('fetchFailure of a curl-based fetcher', () => {
  it('names the derivation whose curl could not reach its host', () => {
    const stderr = "error: builder for '/nix/store/b-src.drv' failed with exit code 1;\n       last 2 log lines:\n       > trying https://example.invalid/src.tar.gz\n       > curl: (6) Could not resolve host: example.invalid\n";
    expect(fetchFailure(stderr)).toMatch(/^cannot fetch the sources of \/nix\/store\/b-src\.drv: Could not resolve host: example\.invalid; the network/);
  });
});

describe('fetchFailure in the trace format of newer Nix', () => {
  it('reads the nested error and names the input Nix says it was fetching', () => {
    const stderr = [
      "warning: error: unable to download 'https://api.github.com/repos/NixOS/nixpkgs/commits/nixos-23.11': Couldn't resolve host name (6); retrying in 283 ms",
      'error:',
      "       … while fetching the input 'github:NixOS/nixpkgs/nixos-23.11'",
      '',
      "       error: unable to download 'https://api.github.com/repos/NixOS/nixpkgs/commits/nixos-23.11': Couldn't resolve host name (6)",
      '',
    ].join('\n');
    expect(fetchFailure(stderr)).toMatch(/^cannot fetch 'https:\/\/api\.github\.com\/repos\/NixOS\/nixpkgs\/commits\/nixos-23\.11' \(input github:NixOS\/nixpkgs\/nixos-23\.11\): Couldn't resolve host name \(6\);/);
  });

  it('leaves an evaluation error under a fetch trace alone', () => {
    expect(fetchFailure("error:\n       … while evaluating the attribute 'checks'\n\n       error: attribute 'x' missing\n")).toBeUndefined();
  });
});
