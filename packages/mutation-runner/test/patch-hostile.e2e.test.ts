import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../../tests/support/tmp.js';
import { runCli } from '../../../tests/support/cli.js';
import { fixtureGenome, makePatch, memoryDir, writeProposal } from './support.js';

/**
 * Patches a hostile author writes against the protected-path rules: git writes any byte but NUL
 * in a file name (C-quoted in the patch header), so a name may hold a line feed, a CR or U+2028.
 */
const verify = (root: string, proposal: string, extra: string[] = [], timeoutMs?: number) =>
  runCli('mutation-runner', ['verify', '--proposal', proposal, '--root', root, '--memory-dir', memoryDir(), ...extra], { timeoutMs });

function creating(root: string, path: string): string {
  const { patch } = makePatch(root, (w) => {
    mkdirSync(dirname(join(w, path)), { recursive: true });
    writeFileSync(join(w, path), '{ }\n');
  });
  return writeProposal({ changed_paths: [path], patch });
}

describe('verify: protected paths against hostile file names', () => {
  // A rule protects its path and everything under it: the pattern's trailing "/.*" (and "**")
  // stopped at a line terminator, so "hosts/evil\u2028.nix" was not under "hosts" and a genome
  // importing every file of a protected directory (builtins.readDir) took the author's module.
  it.each([
    ['a line feed', 'hosts/evil\n.nix', ['hosts'], '--policy file rule "hosts"'],
    ['a carriage return', 'hosts/evil\r.nix', ['hosts'], '--policy file rule "hosts"'],
    ['a line separator', 'hosts/evil\u2028.nix', ['hosts'], '--policy file rule "hosts"'],
    ['a paragraph separator under a ** rule', 'secrets/a/\u2029b.key', ['secrets/**.key'], '--policy file rule "secrets/**.key"'],
    ['a line feed under the default memory/evidence rule', 'memory/evidence/x\ny.json', [], 'default rule "memory/evidence"'],
  ])('a file name holding %s is still protected', (_what, path, rules, rule) => {
    const root = fixtureGenome();
    const policy = join(tempDir(), 'policy.json');
    writeFileSync(policy, JSON.stringify({ protected_paths: rules }));
    const r = verify(root, creating(root, path), ['--policy', policy]);
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toBe(`patch path ${JSON.stringify(path)} is protected (${rule})`);
    expect(r.json().checks).toEqual([]);
  });

  // Each "*" became "[^/]*": on a path that does not match, a rule with several stars in one
  // component backtracked polynomially ("hosts/*-*-*.nix" took 3.5 s on a 3 KB name, and far
  // longer on the 20 KB one below, listed in changed_paths and the patch alike).
  it.each([
    ['hosts/*-*-*.nix', `hosts/${'-'.repeat(20_000)}`],
    ['**/*.*.*.age', `secrets/${'.'.repeat(20_000)}`],
  ])('matches the rule %j against a hostile 20 KB path in linear time', (rule, path) => {
    const root = fixtureGenome();
    const policy = join(tempDir(), 'policy.json');
    writeFileSync(policy, JSON.stringify({ protected_paths: [rule] }));
    const patch = `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n+x\n`;
    const t0 = Date.now();
    const r = verify(root, writeProposal({ changed_paths: [path], patch }), ['--policy', policy], 30_000);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toMatch(/^patch application failed: /); // not protected; the file system refuses the name
  });
});
