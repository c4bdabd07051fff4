// The bundle `pnpm build` makes (scripts/bundle.ts), run directly rather than through the
// launcher (which falls back to dist/ when tsc rebuilt since): the files it reaches by their
// original location exist, and the commands that rely on them (workers, the tree-sitter grammar,
// pino) work from it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { exampleGenome, HOST_GOAL } from './evolve-support.js';
import { fixtureGenome, memoryDir, readmeProposal } from './support.js';

const DIST = join(REPO_ROOT, 'packages', 'mutation-runner', 'dist');

function bundleDir(): string {
  const current = JSON.parse(readFileSync(join(DIST, 'bundle', 'current.json'), 'utf8')) as { bundle: string };
  return join(DIST, 'bundle', current.bundle);
}

function bundled(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [join(bundleDir(), 'bin.js'), ...args], { env: testEnv(env), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the built bundle', () => {
  it('points every rewritten module URL and every external import at an existing file', () => {
    const dir = bundleDir();
    const refs: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.js'))) {
      const text = readFileSync(join(dir, name), 'utf8');
      for (const m of text.matchAll(/new URL\("(\.\.\/[^"]+)",import\.meta\.url\)/g)) refs.push(m[1]!);
      for (const m of text.matchAll(/import\("(\.\.\/[^"]+)"\)/g)) refs.push(m[1]!);
    }
    // logger (pino), ledger verify (its worker), nix-syntax (grammar), os-introspect (parse worker), web-tree-sitter.
    expect(refs.length).toBeGreaterThanOrEqual(5);
    for (const ref of refs) expect(existsSync(resolve(dir, ref)), ref).toBe(true);
  });

  it('verifies a proposal, logging through pino', () => {
    const root = fixtureGenome();
    const r = bundled(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', memoryDir()], { AUTOPOIETIC_LOG_LEVEL: 'debug' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).status).toBe('verified');
    expect(r.stderr.split('\n').some((l) => l.startsWith('{') && JSON.parse(l).msg === 'candidate timings')).toBe(true);
  });

  it('builds a hand-off, parsing the genome with the tree-sitter Nix grammar', () => {
    const r = bundled(['handoff', '--root', exampleGenome(), '--memory-dir', memoryDir(), '--goal', HOST_GOAL]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).claims.map((c: { claim: string }) => c.claim)).toContain('hosts/seed/configuration.nix:9 sets autopoietic.identity.host to "seed-01" for host(s) seed.');
  });
});
