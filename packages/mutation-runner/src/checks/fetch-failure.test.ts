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

// Nix 2.26.3's own words (Debian trixie's nix-bin, captured offline with scripts/with-nix.sh 2.26).
describe('fetchFailure on Nix 2.26', () => {
  const block = (input: string, error: string) => ['error:', "       … while updating the lock file of flake 'git+file:///tmp/p8'", '', "       … while updating the flake input 'extra'", '', `       … while fetching the input '${input}'`, '', `       error: ${error}`, ''];

  it('reads a tarball input wrapped by the archive reader, and treats "cannot connect" as no network', () => {
    const stderr = ["unpacking 'https://example.invalid/src.tar.gz' into the Git cache...", ...block('https://example.invalid/src.tar.gz', "Failed to open archive (Source threw exception: error: unable to download 'https://example.invalid/src.tar.gz': Could not resolve hostname (6) Could not resolve host: example.invalid)")].join('\n');
    expect(fetchFailure(stderr)).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/src\.tar\.gz' \(input https:\/\/example\.invalid\/src\.tar\.gz\): Could not resolve hostname \(6\) Could not resolve host: example\.invalid; the network/);
    const refused = block('https://localhost:1/x.tar.gz', "Failed to open archive (Source threw exception: error: unable to download 'https://localhost:1/x.tar.gz': Could not connect to server (7) Failed to connect to localhost port 1 after 1 ms: Could not connect to server)").join('\n');
    expect(fetchFailure(refused)).toMatch(/^cannot fetch 'https:\/\/localhost:1\/x\.tar\.gz'/);
  });

  it('takes git\'s reason printed before the block when Nix then stops on a ref or rev it cannot find', () => {
    const https = ["fatal: unable to access 'https://example.invalid/src.git/': Could not resolve host: example.invalid", "warning: could not read HEAD ref from repo at 'https://example.invalid/src.git', using 'master'", 'fatal: Refusing to point HEAD outside of refs/', ...block('git+https://example.invalid/src.git', "resolving Git reference 'master': revspec 'master' not found")].join('\n');
    expect(fetchFailure(https)).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/src\.git\/' \(input git\+https:\/\/example\.invalid\/src\.git\): Could not resolve host: example\.invalid;/);
    const ssh = ['ssh: Could not resolve hostname example.invalid: Name or service not known', 'fatal: Could not read from remote repository.', ...block('git+ssh://git@example.invalid/src.git', "resolving Git reference 'master': revspec 'master' not found")].join('\n');
    expect(fetchFailure(ssh)).toMatch(/^cannot fetch 'ssh:\/\/example\.invalid' \(input git\+ssh:\/\/git@example\.invalid\/src\.git\): Name or service not known;/);
    const rev = ["fatal: unable to access 'https://example.invalid/x.git/': Could not resolve host: example.invalid", ...block('git+https://example.invalid/x.git?ref=main&rev=0123', "Cannot find Git revision '0123' in ref 'main' of repository 'https://example.invalid/x.git'! Please make sure that the rev exists on the ref you've specified or add allRefs = true; to fetchGit.")].join('\n');
    expect(fetchFailure(rev)).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/x\.git\/'/);
  });

  it('leaves a ref that is really missing from a reachable repository alone (no git network error before it)', () => {
    expect(fetchFailure(block('git+file:///srv/x', "resolving Git reference 'nosuch': revspec 'nosuch' not found").join('\n'))).toBeUndefined();
  });

  it('reads the builder\'s own error nested inside the log lines of builtin:fetchurl', () => {
    const stderr = [
      "building '/nix/store/rn3w-src.tar.gz.drv'...",
      "error: builder for '/nix/store/rn3w-src.tar.gz.drv' failed with exit code 1;",
      '       last 4 log lines:',
      '       > error:',
      "       >        … writing file '/nix/store/7ww9-src.tar.gz'",
      '       >',
      "       >        error: unable to download 'https://example.invalid/src-42.tar.gz': Could not resolve hostname (6) Could not resolve host: example.invalid",
      '       For full logs, run:',
      '         nix log /nix/store/rn3w-src.tar.gz.drv',
    ].join('\n');
    expect(fetchFailure(stderr)).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/src-42\.tar\.gz': Could not resolve hostname \(6\).* \(building \/nix\/store\/rn3w-src\.tar\.gz\.drv\)$/);
  });
});

describe("fetchFailure with current Nix's spelling of a failed builder ('Cannot build', then 'Reason:')", () => {
  const block = (drv: string, reason: string, log: string[]) => [
    `error: Cannot build '/nix/store/${drv}.drv'.`,
    `       Reason: ${reason}.`,
    '       Output paths:',
    `         /nix/store/${drv}`,
    `       Last ${log.length} log lines:`,
    ...log.map((l) => `       > ${l}`),
    '       For full logs, run:',
    `         nix log /nix/store/${drv}.drv`,
  ];

  it('names the download a fetcher could not make', () => {
    const stderr = block('rn3w-src.tar.gz', 'builder failed with exit code 1', ['trying https://example.invalid/src.tar.gz', 'curl: (6) Could not resolve host: example.invalid']).join('\n');
    expect(fetchFailure(stderr)).toMatch(/^cannot fetch the sources of \/nix\/store\/rn3w-src\.tar\.gz\.drv: Could not resolve host: example\.invalid; /);
  });

  it("leaves a builder's own failure, and a derivation whose dependency failed, alone", () => {
    expect(fetchFailure(block('a-check', 'builder failed with exit code 3', ['seed-smoke: BROKEN marker present']).join('\n'))).toBeUndefined();
    expect(fetchFailure("error: Cannot build '/nix/store/b-top.drv'.\n       Reason: 1 dependency failed.\n")).toBeUndefined();
  });
});

// Nix 2.34.8's own words (Debian sid's nix-bin, captured offline with scripts/with-nix.sh 2.34).
describe('fetchFailure on Nix 2.34', () => {
  it("takes git's reason printed before the block when Nix stops on 'Failed to fetch git repository'", () => {
    const stderr = [
      "fatal: unable to access 'https://example.invalid/src.git/': Could not resolve host: example.invalid",
      "warning: could not read HEAD ref from repo at 'https://example.invalid/src.git', using 'master'",
      "fatal: unable to access 'https://example.invalid/src.git/': Could not resolve host: example.invalid",
      'error:',
      "       … while updating the lock file of flake 'git+file:///tmp/c2ab/genome'",
      '',
      "       … while updating the flake input 'extra'",
      '',
      "       … while fetching the input 'git+https://example.invalid/src.git'",
      '',
      "       error: Failed to fetch git repository 'https://example.invalid/src.git'",
      '',
    ].join('\n');
    expect(fetchFailure(stderr)).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/src\.git\/' \(input git\+https:\/\/example\.invalid\/src\.git\): Could not resolve host: example\.invalid;/);
    // A repository that answered (no network error from git before it) is the input's own failure.
    expect(fetchFailure(stderr.split('\n').filter((l) => !l.startsWith('fatal:')).join('\n'))).toBeUndefined();
  });
});

// Nix 2.8's `nix flake check --keep-going` on a flake with two checks (captured offline): after
// each builder's error it ends on a summary of every build that failed.
describe('fetchFailure when Nix ends on its summary of several builds', () => {
  const builderFailed = (drv: string, code: number, log: string) => [
    `error: builder for '/nix/store/${drv}.drv' failed with exit code ${code};`,
    '       last 1 log lines:',
    `       > ${log}`,
    `       For full logs, run 'nix log /nix/store/${drv}.drv'.`,
  ];
  const offline = (drv: string, n: number) => builderFailed(drv, 1, `error: unable to download 'https://example.invalid/src-kg-${n}.tar.gz': Couldn't resolve host name (6)`);
  const summary = "error: build of '/nix/store/1kca-src.tar.gz.drv', '/nix/store/9gvr-x.drv' failed";

  it('is no verdict when every builder that failed could not download', () => {
    const stderr = ['running flake checks...', ...offline('3ysa-src2.tar.gz', 2), ...offline('1kca-src.tar.gz', 1), summary, ''].join('\n');
    expect(fetchFailure(stderr)).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/src-kg-2\.tar\.gz': Couldn't resolve host name \(6\); .* \(building \/nix\/store\/3ysa-src2\.tar\.gz\.drv\)$/);
    // Without --keep-going Nix stops after the first failure, and still names both builds.
    expect(fetchFailure(['running flake checks...', ...offline('1kca-src.tar.gz', 1), summary].join('\n'))).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/src-kg-1\.tar\.gz'/);
  });

  it('is a failure when any builder failed for its own reasons, whatever the order', () => {
    const broken = builderFailed('9gvr-broken-kg-1', 3, 'BROKEN marker present');
    expect(fetchFailure([...offline('1kca-src.tar.gz', 1), ...broken, summary].join('\n'))).toBeUndefined();
    expect(fetchFailure([...broken, ...offline('1kca-src.tar.gz', 1), summary].join('\n'))).toBeUndefined();
  });

  it('is a failure when the summary follows no builder error at all (an evaluation or dependency failure)', () => {
    expect(fetchFailure(summary)).toBeUndefined();
  });
});
