// The bundled example genome (examples/genome), checked with real git and real Nix, without the
// CLIs: it passes `nix flake check` as shipped, and each pending proposal's patch has the effect
// its README promises when applied by hand. The demo test then runs the same proposals through
// the gates.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MutationProposal } from '@autopoietic/core/schemas';
import { REPO_ROOT } from './support/cli.js';
import { git } from './support/git.js';
import { testEnv } from './support/nix-env.js';
import { tempDir } from './support/tmp.js';

const GENOME = join(REPO_ROOT, 'examples', 'genome');
const PENDING = join(GENOME, 'mutations', 'pending');
const NIX = ['--extra-experimental-features', 'nix-command flakes'];

/** A scratch git copy of the example genome, staged and committed like the demo makes it. */
function scratchGenome(): string {
  const dir = join(tempDir('aos-example-'), 'genome');
  cpSync(GENOME, dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'example genome']);
  return dir;
}

function nix(cwd: string, args: string[]) {
  return spawnSync('nix', [...NIX, ...args], { cwd, env: testEnv(), encoding: 'utf8', timeout: 120_000 });
}

function applyPatch(genome: string, id: string) {
  return spawnSync('git', ['apply', join(PENDING, id, 'patch.diff')], { cwd: genome, encoding: 'utf8' });
}

describe('examples/genome', () => {
  it('passes nix flake check as shipped, with no inputs and no lock file written', () => {
    const genome = scratchGenome();
    const r = nix(genome, ['flake', 'check', '--no-write-lock-file']);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(genome, 'flake.lock'))).toBe(false);
    const show = nix(genome, ['flake', 'show', '--json']);
    expect(show.status, show.stderr).toBe(0);
    const outputs = JSON.parse(show.stdout);
    expect(Object.keys(outputs.checks['x86_64-linux']).sort()).toEqual([
      'hosts-declare-identity',
      'seed-mode-ceiling',
      'seed-smoke',
    ]);
    expect(Object.keys(outputs.nixosConfigurations)).toEqual(['seed']);
  });

  it('evaluates the seed host to the /etc files its modules declare', () => {
    const r = nix(scratchGenome(), ['eval', '--json', '.#nixosConfigurations.seed.config.system.etc']);
    expect(r.status, r.stderr).toBe(0);
    const etc = JSON.parse(r.stdout);
    expect(JSON.parse(etc['autopoietic/identity.json'])).toEqual({ host: 'seed-01', roles: ['development', 'research'] });
    expect(JSON.parse(etc['autopoietic/mutation-runner.json'])).toEqual({ memory_dir: '/var/lib/autopoietic', mode: 'mutate-vm' });
  });

  it('reports an undeclared option and a mistyped value as evaluation errors, like NixOS', () => {
    const genome = scratchGenome();
    const host = join(genome, 'hosts', 'seed', 'configuration.nix');
    const original = readFileSync(host, 'utf8');
    writeFileSync(host, original.replace('autopoietic.identity.host = ', 'autopoietic.identity.hots = '));
    let r = nix(genome, ['eval', '--json', '.#nixosConfigurations.seed.config.system.etc']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("The option `autopoietic.identity.hots' does not exist.");
    writeFileSync(host, original.replace('"mutate-vm"', '"sideways"'));
    r = nix(genome, ['eval', '--json', '.#nixosConfigurations.seed.config.system.etc']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("The option `autopoietic.mutationRunner.mode' has a value of the wrong type");
  });

  it('ships three schema-valid proposals, each with its patch beside it', () => {
    const ids = readdirSync(PENDING).sort();
    expect(ids).toEqual(['mut-example-mode-live', 'mut-example-motd', 'mut-example-symlink-escape']);
    for (const id of ids) {
      const proposal = MutationProposal.parse(JSON.parse(readFileSync(join(PENDING, id, 'proposal.json'), 'utf8')));
      expect(proposal.mutation_id).toBe(id);
      expect(existsSync(join(PENDING, id, proposal.patch_path!))).toBe(true);
    }
  });

  it('mut-example-motd applies and keeps every check passing, adding /etc/motd', () => {
    const genome = scratchGenome();
    const applied = applyPatch(genome, 'mut-example-motd');
    expect(applied.status, applied.stderr).toBe(0);
    git(genome, ['add', '-A']);
    const check = nix(genome, ['flake', 'check', '--no-write-lock-file']);
    expect(check.status, check.stderr).toBe(0);
    const etc = JSON.parse(nix(genome, ['eval', '--json', '.#nixosConfigurations.seed.config.system.etc']).stdout);
    expect(etc.motd).toMatch(/^seed-01: /);
  });

  it('mut-example-mode-live applies but fails the seed-mode-ceiling check', () => {
    const genome = scratchGenome();
    expect(applyPatch(genome, 'mut-example-mode-live').status).toBe(0);
    git(genome, ['add', '-A']);
    const check = nix(genome, ['flake', 'check', '--no-write-lock-file']);
    // A build failure: Nix 2.8 and 2.26 exit 100, Nix 2.34's flake check exits 1.
    expect([100, 1], check.stderr).toContain(check.status);
    expect(check.stderr).toContain('seed-mode-ceiling.drv');
    expect(check.stderr).toContain('this genome allows at most mutate-vm');
  });

  it('mut-example-symlink-escape creates a symlink out of the genome and writes through it', () => {
    const patch = readFileSync(join(PENDING, 'mut-example-symlink-escape', 'patch.diff'), 'utf8');
    expect(patch).toMatch(/^new file mode 120000$/m);
    expect(patch).toContain('+++ b/hosts/seed/outside/escaped-from-genome.txt');
    // Plain `git apply` already refuses it; the verifier must refuse it before applying anything.
    const genome = scratchGenome();
    const applied = applyPatch(genome, 'mut-example-symlink-escape');
    expect(applied.status).toBe(1);
    expect(applied.stderr).toContain('beyond a symbolic link');
    expect(existsSync(join(dirname(genome), 'escaped-from-genome.txt'))).toBe(false);
  });
});
