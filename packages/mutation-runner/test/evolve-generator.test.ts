import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testEnv } from '../../../tests/support/nix-env.js';
import { git, initRepo } from '../../../tests/support/git.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { exampleGenome, HOST_GOAL, RULE_BASED } from './evolve-support.js';

/** The shipped rule-based generator (examples/generators): its diff, its goal parser, and the command itself. */
const lib = (name: string) => import(join(RULE_BASED, '..', 'lib', name));

function generate(genome: string, handoff: unknown, flags: string[] = []) {
  const r = spawnSync(process.execPath, [RULE_BASED, '--genome', genome, ...flags], { input: typeof handoff === 'string' ? handoff : JSON.stringify(handoff), encoding: 'utf8', env: testEnv() });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: () => JSON.parse(r.stdout) };
}

/** Applies a patch with plain `git apply` in a scratch copy of `files` and returns the result. */
function applied(files: Record<string, string>, patch: string, path: string): string {
  const dir = tempDir('aos-apply-');
  initRepo(dir, files);
  // Outside the repository, so `git apply` sees an untracked path nowhere in the tree; removed with its temp dir.
  const p = join(tempDir('aos-patch-'), 'change.diff');
  writeFileSync(p, patch);
  git(dir, ['apply', p]);
  return readFileSync(join(dir, path), 'utf8');
}

const feedback = (stderr: string, patch?: string) => ({
  fact_id: 'fact:attempt:att-1',
  kind: 'attempt-feedback',
  quality: 'observed',
  sources: ['ref:x'],
  value: { attempt_id: 'att-1', attempt_number: 1, verdict: 'rejected', reason: 'one or more verifier checks failed', failing_checks: [{ name: 'nix-flake-check', status: 'failed', exit_code: 1, stdout_tail: '', stderr_tail: stderr }], ...(patch ? { patch } : {}) },
});

describe('rule-based generator: its unified diff is what git apply expects', () => {
  const cases: [string, string, string][] = [
    ['a change in the middle', 'a\nb\nc\nd\ne\nf\ng\nh\n', 'a\nb\nc\nd\nE\nf\ng\nh\n'],
    ['a change on the first line', 'a\nb\n', 'A\nb\n'],
    ['an insertion before the last line', 'x\ny\n}\n', 'x\ny\n\n  z = 1;\n}\n'],
    ['a file without a final newline', 'one\ntwo', 'one\nTWO'],
    ['adding the missing final newline', 'one\ntwo', 'one\ntwo\n'],
    ['a deletion', 'a\nb\nc\n', 'a\nc\n'],
  ];
  for (const [what, before, after] of cases) {
    it(what, async () => {
      const { unifiedDiff } = await lib('unified-diff.mjs');
      const patch = unifiedDiff('dir/file.nix', before, after);
      expect(applied({ 'dir/file.nix': before }, patch, 'dir/file.nix')).toBe(after);
    });
  }
  it('is empty when nothing changed', async () => {
    const { unifiedDiff } = await lib('unified-diff.mjs');
    expect(unifiedDiff('f', 'same\n', 'same\n')).toBe('');
  });
});

describe('rule-based generator: goals and values', () => {
  it('reads the documented goal form, with or without backticks and quotes', async () => {
    const { parseGoal, renderValue } = await lib('goal.mjs');
    expect(parseGoal(HOST_GOAL)).toEqual({ option: 'autopoietic.identity.host', raw: 'seed-02', host: 'seed' });
    expect(parseGoal('Set autopoietic.motd.enable to true on host aion.')).toEqual({ option: 'autopoietic.motd.enable', raw: 'true', host: 'aion' });
    expect(parseGoal('set `autopoietic.motd.text` to "hello \\"you\\"" on host `seed`')?.raw).toBe('"hello \\"you\\""');
    expect(parseGoal('make the host faster')).toBeUndefined();
    expect(parseGoal('set `services.nginx.enable` to `true` on host `seed`')).toBeUndefined(); // only autopoietic.* options
    expect(renderValue('"hello \\"you\\""', 'string')).toBe('"hello \\"you\\""');
    expect(renderValue('a ${b} \\ c', 'string')).toBe('"a \\${b} \\\\ c"');
    expect(renderValue('true', 'bool')).toBe('true');
    expect(renderValue('42', 'int')).toBe('42');
    expect(renderValue('x', 'list')).toBe('[ "x" ]');
    expect(() => renderValue('yes', 'bool')).toThrow(/not a boolean/);
  });

  // A quoted value went through JSON.parse: `"a\qb"` (valid Nix) crashed the generator with
  // "Bad escaped character in JSON", `"\u0041"` became "A" where Nix reads "u0041", an
  // interpolation `"${x}"` was written as the literal text and a NUL went into the Nix file.
  it('reads a quoted value as a Nix string, and refuses what a literal Nix string cannot be (exit 3)', async () => {
    const { plainValue } = await lib('goal.mjs');
    expect(plainValue('"a\\qb \\u0041 \\n \\\\ \\${x}"')).toBe('aqb u0041 \n \\ ${x}');
    for (const [raw, why] of [['"${pkgs.hello}"', /interpolates/], ['"a \\\\${b}"', /interpolates/], ['`a\u0000b`'.slice(1, -1), /NUL/]] as const) {
      expect(() => plainValue(raw)).toThrow(why);
      expect((() => { try { plainValue(raw); } catch (e) { return (e as { code?: number }).code; } })()).toBe(3);
    }
    const root = exampleGenome();
    const ok = generate(root, { goal: 'set autopoietic.identity.host to "seed\\-02" on host seed' });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json().patch).toContain('+  autopoietic.identity.host = "seed-02";');
    for (const goal of ['set autopoietic.identity.host to "${x}" on host seed', 'set `autopoietic.identity.host` to `a\u0000b` on host `seed`']) {
      const r = generate(root, { goal });
      expect([r.code, r.stdout]).toEqual([3, '']);
      expect(r.stderr).toMatch(/^rule-based: value .*(interpolates|NUL)/);
    }
  });
});

describe('rule-based generator: the command', () => {
  it('edits the value at the position the tree-sitter parse gives, as the type of the current value', () => {
    const root = exampleGenome();
    const r = generate(root, { goal: HOST_GOAL, canonical_facts: [] });
    expect(r.code, r.stderr).toBe(0);
    const p = r.json();
    expect(p).toMatchObject({ schema_version: '0.1.0', goal: HOST_GOAL, changed_paths: ['hosts/seed/configuration.nix'], metadata: { value_kind: 'string', value_kind_reason: 'the current value is a string' } });
    expect(p.expected_checks).toEqual([{ name: 'nix-parse:hosts/seed/configuration.nix', command: 'nix-instantiate', args: ['--parse', 'hosts/seed/configuration.nix'] }]);
    const before = readFileSync(join(root, 'hosts/seed/configuration.nix'), 'utf8');
    const after = applied({ 'hosts/seed/configuration.nix': before }, p.patch, 'hosts/seed/configuration.nix');
    expect(after).toBe(before.replace('"seed-01"', '"seed-02"'));
  });

  it('with --fail-first, is wrong on purpose first, then writes the type the failing check asked for', () => {
    const root = exampleGenome();
    const first = generate(root, { goal: HOST_GOAL, canonical_facts: [] }, ['--fail-first']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.json().patch).toContain('+  autopoietic.identity.host = [ "seed-02" ];');
    const msg = "error: The option `autopoietic.identity.host' has a value of the wrong type: expected string.\n";
    const second = generate(root, { goal: HOST_GOAL, canonical_facts: [feedback(msg, first.json().patch)] }, ['--fail-first']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json().patch).toContain('+  autopoietic.identity.host = "seed-02";');
    expect(second.json().metadata.value_kind_reason).toBe('the evaluator asked for string in attempt att-1');
  });

  it('learns from the latest attempt across runs (lineage_seq), not the highest attempt_number (numbers start again in each run)', () => {
    const root = exampleGenome();
    const fact = (id: string, attempt_number: number, lineage_seq: number, stderr: string) => {
      const f = feedback(stderr);
      return { ...f, fact_id: `fact:attempt:${id}`, value: { ...f.value, attempt_id: id, attempt_number, lineage_seq } };
    };
    const older = fact('att-old', 2, 5, "error: A definition for option `autopoietic.identity.host' is not of type `boolean'.\n");
    const newer = fact('att-new', 1, 9, "error: The option `autopoietic.identity.host' has a value of the wrong type: expected string.\n");
    const r = generate(root, { goal: HOST_GOAL, canonical_facts: [newer, older] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().metadata.value_kind_reason).toBe('the evaluator asked for string in attempt att-new');
  });

  it('inserts a binding that the host does not set yet, and the result parses as Nix', () => {
    const root = exampleGenome();
    const r = generate(root, { goal: 'set `autopoietic.mutationRunner.memoryDir` to `/srv/memory` on host `seed`' });
    expect(r.code, r.stderr).toBe(0);
    const file = 'hosts/seed/configuration.nix';
    const after = applied({ [file]: readFileSync(join(root, file), 'utf8') }, r.json().patch, file);
    expect(after).toMatch(/\n {2}autopoietic\.mutationRunner\.memoryDir = "\/srv\/memory";\n}\n$/);
    const parsed = spawnSync('nix-instantiate', ['--parse', '-'], { input: after, encoding: 'utf8', env: testEnv() });
    expect(parsed.status, parsed.stderr).toBe(0);
  });

  it('refuses what it cannot do, with distinct exit codes', () => {
    const root = exampleGenome();
    expect(generate(root, 'not json').code).toBe(2);
    expect(generate(root, { nogoal: true }).code).toBe(2);
    expect(generate(root, { goal: 'make it better' }).code).toBe(3);
    const same = generate(root, { goal: 'set `autopoietic.identity.host` to `seed-01` on host `seed`' });
    expect(same.code).toBe(3);
    expect(same.stderr).toContain('nothing to change');
    const host = generate(root, { goal: 'set `autopoietic.identity.host` to `x` on host `nowhere`' });
    expect(host.code).toBe(1);
    expect(host.stderr).toContain('host "nowhere" is not in the genome (hosts: seed)');
    const first = generate(root, { goal: HOST_GOAL }).json().patch;
    const repeat = generate(root, { goal: HOST_GOAL, canonical_facts: [feedback('check failed: policy\n', first)] });
    expect(repeat.code).toBe(3);
    expect(repeat.stderr).toContain('no new hypothesis: this patch was already rejected in attempt att-1');
  });
});
