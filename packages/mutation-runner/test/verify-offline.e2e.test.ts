// A flake input that needs the network, on a machine that cannot reach it (the test Nix
// configuration makes every download fail at once): no verdict can be reached, so the gates
// record `error` naming what could not be fetched, never `rejected` (which blames the proposal)
// and never `verified`. Real git and real Nix.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureGenome, ledger, memoryDir, readmeProposal, runner } from './support.js';

/** The fixture genome with one more input, committed: `url` must be fetched to evaluate the flake. */
function genomeWithInput(url: string): string {
  const root = fixtureGenome();
  const flake = join(root, 'flake.nix');
  const text = readFileSync(flake, 'utf8')
    .replace('  outputs =\n    { self }:', `  inputs.extra.url = "${url}";\n  outputs =\n    { self, extra }:`);
  writeFileSync(flake, text);
  return root;
}

describe('gates on a flake whose input cannot be fetched offline', () => {
  it.each([
    ['a github input', 'github:NixOS/nixpkgs/nixos-23.11', 'https://api.github.com/repos/NixOS/nixpkgs/commits/nixos-23.11'],
    ['a tarball input', 'https://example.invalid/src.tar.gz', 'https://example.invalid/src.tar.gz'],
    ['a git+https input', 'git+https://example.invalid/src.git', 'https://example.invalid/src.git'],
  ])('verify of %s is an error that names the fetch, not a rejection', (_label, url, shown) => {
    const root = genomeWithInput(url);
    const mem = memoryDir();
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', mem]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('proposal errored');
    const record = r.json();
    expect(record.status).toBe('error');
    const check = record.checks.find((c: any) => c.name === 'nix-flake-check');
    expect(check.status).toBe('error');
    expect(check.reason).toContain(`cannot fetch '${shown}`);
    expect(check.reason).toMatch(/network/);
    expect(record.reason).toContain('nix-flake-check (cannot fetch');
    expect(ledger(join(mem, 'mutation-results.jsonl'))).toEqual([record]);
  });

  it('a check that downloads its sources offline (builtin:fetchurl) is an error naming the URL and the derivation', () => {
    const root = fixtureGenome();
    const flake = join(root, 'flake.nix');
    const fetcher = `fetch-src = derivation { name = "src.tar.gz"; system = "builtin"; builder = "builtin:fetchurl"; url = "https://example.invalid/src-\${self.narHash}.tar.gz"; outputHashAlgo = "sha256"; outputHash = "0000000000000000000000000000000000000000000000000000"; outputHashMode = "flat"; };`;
    writeFileSync(flake, readFileSync(flake, 'utf8').replace('      checks.x86_64-linux = {\n', `      checks.x86_64-linux = {\n        ${fetcher}\n`));
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code, r.stderr).toBe(1);
    const check = r.json().checks.find((c: any) => c.name === 'nix-flake-check');
    expect(r.json().status).toBe('error');
    expect(check.status).toBe('error');
    expect(check.reason).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/src-sha256-.*\.tar\.gz': (Couldn't resolve host name|Could not resolve hostname) \(6\).*; .* \(building \/nix\/store\/[a-z0-9]{32}-src\.tar\.gz\.drv\)$/);
  });

  it('two checks that download offline: an error naming a fetch, although Nix 2.8 and 2.26 end on a summary of both builds', () => {
    const root = fixtureGenome();
    const flake = join(root, 'flake.nix');
    const fetcher = (n: string) => `fetch-${n} = derivation { name = "src-${n}.tar.gz"; system = "builtin"; builder = "builtin:fetchurl"; url = "https://example.invalid/${n}-\${self.narHash}.tar.gz"; outputHashAlgo = "sha256"; outputHash = "0000000000000000000000000000000000000000000000000000"; outputHashMode = "flat"; };`;
    writeFileSync(flake, readFileSync(flake, 'utf8').replace('      checks.x86_64-linux = {\n', `      checks.x86_64-linux = {\n        ${fetcher('a')}\n        ${fetcher('b')}\n`));
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code, r.stderr).toBe(1);
    const check = r.json().checks.find((c: any) => c.name === 'nix-flake-check');
    // Nix 2.8 and 2.26 end on "build of 'A', 'B' failed"; 2.34 stops on the first that failed.
    expect(check.stderr).toMatch(/error: build of '.*' failed|error: failed to build attribute 'checks\.x86_64-linux\.fetch-[ab]'/);
    expect(r.json().status).toBe('error');
    expect(check.status).toBe('error');
    expect(check.reason).toMatch(/^cannot fetch 'https:\/\/example\.invalid\/[ab]-sha256-.*\.tar\.gz'.* \(building \/nix\/store\/[a-z0-9]{32}-src-[ab]\.tar\.gz\.drv\)$/);
  });

  it('a missing local path input is still the flake\'s own failure (rejected), not a network problem', () => {
    const root = genomeWithInput('path:/nonexistent/aos-input');
    const r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', memoryDir()]);
    expect(r.code, r.stderr).toBe(1);
    const record = r.json();
    expect(record.status).toBe('rejected');
    expect(record.checks.find((c: any) => c.name === 'nix-flake-check').status).toBe('failed');
  });
});
