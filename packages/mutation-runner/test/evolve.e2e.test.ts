import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '@autopoietic/core/ledger';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { etcWithMode, exampleGenome, HOST_GOAL, RULE_BASED, scriptGenerator } from './evolve-support.js';
import { ledger, memoryDir, repoSnapshot, runner } from './support.js';

const RULE = `node ${RULE_BASED}`;
const evolve = (root: string, mem: string, args: string[], env: Record<string, string> = {}) =>
  runner(['evolve', '--root', root, '--memory-dir', mem, '--goal', HOST_GOAL, ...args], { env });
const feedbackOf = (handoffPath: string) => JSON.parse(readFileSync(handoffPath, 'utf8')).canonical_facts.filter((f: any) => f.kind === 'attempt-feedback');

describe('mutation-runner evolve with the shipped rule-based generator', () => {
  it('fails on purpose first, succeeds from the feedback, and records both attempts as a parent and child', async () => {
    const root = exampleGenome();
    const mem = memoryDir();
    const before = repoSnapshot(root);
    const r = evolve(root, mem, ['--generator', `${RULE} --fail-first`, '--attempts', '3']);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.outcome).toBe('verified');
    const [a1, a2] = out.attempts;
    expect(out.attempts).toHaveLength(2);
    expect(a1).toMatchObject({ attempt_number: 1, parent_attempt_id: null, verdict: 'rejected', stage: 'verify', reason: 'one or more verifier checks failed' });
    expect(a1.score).toMatchObject({ passed: 2, total: 3, value: 2 / 3 });
    expect(a1.score.checks.find((c: any) => c.name === 'nix-flake-check').status).toBe('failed');
    expect(a2).toMatchObject({ attempt_number: 2, parent_attempt_id: a1.attempt_id, run_id: a1.run_id, verdict: 'verified', score: { passed: 3, total: 3, value: 1 } });
    expect(out.result).toMatchObject({ attempt_id: a2.attempt_id, mutation_id: a2.mutation_id, verification_id: a2.verification_id });

    // The second hand-off carried the first attempt's failing check, its tail and the reason.
    expect(feedbackOf(a1.handoff_path)).toEqual([]);
    const [fb] = feedbackOf(a2.handoff_path);
    expect(fb.value).toMatchObject({ attempt_id: a1.attempt_id, verdict: 'rejected', reason: 'one or more verifier checks failed' });
    // Its line in lineage.jsonl, which orders attempts across runs (attempt_number restarts in each run).
    expect(fb.value.lineage_seq).toEqual(expect.any(Number));
    expect(fb.value.lineage_seq).toBe(a1.chain.seq);
    expect(fb.value.failing_checks[0]).toMatchObject({ name: 'nix-flake-check', status: 'failed' });
    expect(fb.value.failing_checks[0].stderr_tail).toContain("has a value of the wrong type: expected string");
    expect(readFileSync(a2.handoff_path, 'utf8')).not.toContain(root);
    expect(readFileSync(join(root, 'mutations', 'pending', a2.mutation_id, 'patch.diff'), 'utf8')).toContain('+  autopoietic.identity.host = "seed-02";');
    expect(readFileSync(join(root, 'mutations', 'pending', a1.mutation_id, 'patch.diff'), 'utf8')).toContain('[ "seed-02" ]');

    // The lineage ledger holds exactly these records, hash-chained; P1 journaled both proposals.
    expect(ledger(join(mem, 'lineage.jsonl'))).toEqual(out.attempts);
    expect((await verifyLedger(join(mem, 'lineage.jsonl'), 'lineage-attempt')).status).toBe('ok');
    expect(ledger(join(mem, 'mutation-results.jsonl')).map((v) => [v.verification_id, v.status])).toEqual([[a1.verification_id, 'rejected'], [a2.verification_id, 'verified']]);
    expect(a1.generator.argv.slice(1)).toEqual([RULE_BASED, '--fail-first']);
    expect(a1.generator.argv[0]).toMatch(/^\/.*node$/);
    expect(a1.generator.files.map((f: any) => f.path)).toContain(RULE_BASED);

    // Nothing in the live genome changed but the two new proposal directories.
    const after = repoSnapshot(root);
    const newPaths = Object.keys(after.tree).filter((p) => !(p in before.tree));
    expect(newPaths.every((p) => p.startsWith('mutations/pending/mut-'))).toBe(true);
    expect(Object.fromEntries(Object.entries(after.tree).filter(([p]) => p in before.tree))).toEqual(before.tree);

    // A later run branches from the first attempt: the attempts form a tree.
    const branch = evolve(root, mem, ['--generator', RULE, '--from-attempt', a1.attempt_id, '--attempts', '1']);
    expect(branch.code, branch.stderr).toBe(0);
    const b1 = branch.json().attempts[0];
    expect(b1).toMatchObject({ parent_attempt_id: a1.attempt_id, attempt_number: 1, verdict: 'verified' });
    expect(b1.run_id).not.toBe(a1.run_id);
    expect(feedbackOf(b1.handoff_path).map((f: any) => f.value.attempt_id)).toEqual([a1.attempt_id]);
    const view = runCli('mutation-journal', ['lineage', '--memory-dir', mem, '--format', 'json']).json();
    const children = view.edges.filter((e: any) => e.kind === 'parent-attempt' && e.from === `attempt:${a1.attempt_id}`).map((e: any) => e.to);
    expect(children.sort()).toEqual([`attempt:${a2.attempt_id}`, `attempt:${b1.attempt_id}`].sort());
  });

  it('stops after --attempts when no proposal is verified (exit 1), with every attempt recorded', () => {
    const root = exampleGenome();
    const mem = memoryDir();
    const r = runner(['evolve', '--root', root, '--memory-dir', mem, '--goal', 'set `autopoietic.mutationRunner.mode` to `mutate-live` on host `seed`', '--generator', RULE, '--attempts', '2']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('evolve exhausted: no proposal was verified in 2 attempt(s)');
    const out = r.json();
    expect(out.outcome).toBe('exhausted');
    // The genome's own mode ceiling rejects the first; the generator has no new idea for the second.
    expect(out.attempts.map((a: any) => [a.verdict, a.stage])).toEqual([['rejected', 'verify'], ['error', 'generate']]);
    expect(out.attempts[1].reason).toContain('no new hypothesis: this patch was already rejected');
    expect(ledger(join(mem, 'lineage.jsonl'))).toHaveLength(2);
  });

  it('stops with a summary (exit 1) when a later hand-off outgrows --handoff-max-bytes, the attempt recorded at stage handoff', async () => {
    const root = exampleGenome();
    const mem = memoryDir();
    // 7000 bytes hold the first hand-off; the second carries the first attempt's feedback, which
    // is never dropped, and needs more. That used to end the run with exit 2 and no summary.
    const r = evolve(root, mem, ['--generator', `${RULE} --fail-first`, '--handoff-max-bytes', '7000']);
    expect(r.code, r.stderr).toBe(1);
    const out = r.json();
    expect(out.outcome).toBe('stopped');
    expect(out.reason).toMatch(/^the hand-off could not be built: error\[handoff-too-small\]: --max-bytes 7000 is too small/);
    expect(out.attempts.map((a: any) => [a.attempt_number, a.verdict, a.stage, a.handoff_digest])).toEqual([[1, 'rejected', 'verify', expect.any(String)], [2, 'error', 'handoff', null]]);
    expect(out.attempts[1].parent_attempt_id).toBe(out.attempts[0].attempt_id);
    expect(ledger(join(mem, 'lineage.jsonl'))).toEqual(out.attempts);
    expect((await verifyLedger(join(mem, 'lineage.jsonl'), 'lineage-attempt')).status).toBe('ok');
  });

  it('runs P2 on the verified proposal with --promote', () => {
    const root = exampleGenome();
    const mem = memoryDir();
    const r = evolve(root, mem, ['--generator', RULE, '--attempts', '1', '--promote', '--target-configuration', 'seed', '--vm-check', 'seed-smoke', '--etc-dir', etcWithMode('mutate-vm')]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.outcome).toBe('promoted');
    const [a] = out.attempts;
    expect(a).toMatchObject({ verdict: 'verified', stage: 'promote', promotion_status: 'promoted' });
    const [p] = ledger(join(mem, 'mutation-promotions.jsonl'));
    expect(p).toMatchObject({ promotion_id: a.promotion_id, status: 'promoted', verification_id: a.verification_id, target_configuration: 'seed' });
    expect(p.parent_genome).toMatch(/^git:[0-9a-f]{40}$/);
  });

  it('--help shows what evolve takes: no --evidence-bundle (refused with a hint), --system defaulting to the one promote uses', () => {
    const help = runner(['evolve', '--help']).stdout;
    expect(help).not.toContain('--evidence-bundle');
    const systemDefault = (text: string) => /--system <system>[\s\S]*?\(default:\s+"([^"]+)"\)/.exec(text)?.[1];
    expect(systemDefault(help)).toBe(systemDefault(runner(['promote', '--help']).stdout));
    const mem = memoryDir();
    const r = evolve(exampleGenome(), mem, ['--generator', RULE, '--evidence-bundle', join(tempDir(), 'b.json')]);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([2, 'error[flags-conflict]: evolve does not take --evidence-bundle']);
    expect(r.stderr).toContain('verify --evidence-bundle');
    expect(ledger(join(mem, 'lineage.jsonl'))).toEqual([]);
  });

  it('enforces the modes before anything runs: evolve mutate-draft, --promote mutate-vm, --unattended autopoiesis', () => {
    const root = exampleGenome();
    const cases: [string, string[], string][] = [
      ['observe-only', [], 'evolve needs autonomy mode mutate-draft'],
      ['mutate-draft', ['--promote', '--target-configuration', 'seed', '--vm-check', 'seed-smoke'], 'evolve --promote needs autonomy mode mutate-vm'],
      ['mutate-vm', ['--unattended'], 'unattended evolve needs autonomy mode autopoiesis'],
    ];
    for (const [mode, extra, message] of cases) {
      const mem = memoryDir();
      const r = evolve(root, mem, ['--generator', RULE, '--etc-dir', etcWithMode(mode), ...extra]);
      expect(r.code, mode).toBe(1);
      expect(r.stderr).toContain('error[mode-forbidden]');
      expect(r.stderr).toContain(message);
      expect(ledger(join(mem, 'lineage.jsonl'))).toEqual([]);
    }
    const ok = evolve(root, memoryDir(), ['--generator', RULE, '--etc-dir', etcWithMode('autopoiesis'), '--unattended', '--attempts', '1']);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('reads the mode again before every later attempt: an unattended run whose host is lowered mid-run runs no further generator', () => {
    const root = exampleGenome();
    const etc = etcWithMode('autopoiesis');
    const runs = join(tempDir('aos-runs-'), 'runs');
    // The operator lowers the host while the first attempt's generator runs.
    const gen = scriptGenerator('lowered', `
      import { appendFileSync, writeFileSync } from 'node:fs';
      appendFileSync(${JSON.stringify(runs)}, 'run\\n');
      writeFileSync(${JSON.stringify(join(etc, 'mutation-runner.json'))}, '{"mode":"mutate-draft"}\\n');
      process.stdout.write('no proposal\\n');
    `);
    const mem = memoryDir();
    const r = evolve(root, mem, ['--generator', gen, '--etc-dir', etc, '--unattended', '--attempts', '3']);
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
    const out = r.json();
    expect(out.outcome).toBe('stopped');
    expect(out.reason).toContain('the host policy no longer allows unattended evolve: error[mode-forbidden]');
    expect(ledger(join(mem, 'lineage.jsonl'))).toHaveLength(1);
  });

  it('gives the generator the hand-off, a read-only copy and the documented environment, never the live path', () => {
    const root = exampleGenome();
    const spy = join(tempDir('aos-spy-'), 'seen.json');
    const gen = scriptGenerator('spy', `
      import { readFileSync, statSync, writeFileSync } from 'node:fs';
      const stdin = readFileSync(0, 'utf8');
      const g = process.env.AUTOPOIETIC_GENOME;
      writeFileSync(process.argv[2], JSON.stringify({ stdin, env: process.env, cwd: process.cwd(), argv: process.argv,
        hostMode: (statSync(g + '/hosts/seed/configuration.nix').mode & 0o777).toString(8), dirMode: (statSync(g).mode & 0o777).toString(8),
        handoffFile: readFileSync(process.env.AUTOPOIETIC_HANDOFF, 'utf8') }));
      process.stdout.write('not a proposal\\n');
    `);
    const r = evolve(root, memoryDir(), ['--generator', `${gen} ${spy}`, '--attempts', '1'], { SECRET_TOKEN: 'hunter2' });
    expect(r.code).toBe(1);
    const seen = JSON.parse(readFileSync(spy, 'utf8'));
    expect(JSON.stringify(seen)).not.toContain(root);
    expect(JSON.parse(seen.stdin).goal).toBe(HOST_GOAL);
    expect(seen.handoffFile).toBe(seen.stdin);
    expect(Object.keys(seen.env).filter((k) => k.startsWith('AUTOPOIETIC_')).sort()).toEqual(
      ['AUTOPOIETIC_ATTEMPT_ID', 'AUTOPOIETIC_ATTEMPT_NUMBER', 'AUTOPOIETIC_GENOME', 'AUTOPOIETIC_GOAL', 'AUTOPOIETIC_HANDOFF', 'AUTOPOIETIC_RUN_ID', 'AUTOPOIETIC_WORK'],
    );
    expect(seen.env.SECRET_TOKEN).toBeUndefined();
    expect(seen.env.PWD).toBeUndefined();
    expect(`${seen.cwd}/work`).toBe(seen.env.AUTOPOIETIC_WORK);
    expect([seen.hostMode, seen.dirMode]).toEqual(['444', '555']);
    expect(r.json().attempts[0]).toMatchObject({ verdict: 'error', stage: 'generate' });
    expect(r.json().attempts[0].reason).toContain('generator output is not a proposal');

    // --generator-env passes a named variable through, and only that one.
    const again = evolve(root, memoryDir(), ['--generator', `${gen} ${spy}`, '--attempts', '1', '--generator-env', 'SECRET_TOKEN'], { SECRET_TOKEN: 'hunter2' });
    expect(again.code).toBe(1);
    expect(JSON.parse(readFileSync(spy, 'utf8')).env.SECRET_TOKEN).toBe('hunter2');
    expect(readdirSync(join(root, 'mutations', 'pending')).every((n) => n.startsWith('mut-example-'))).toBe(true);
  });
});
