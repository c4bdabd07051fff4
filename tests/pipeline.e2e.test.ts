// The whole ladder through the built CLIs, with real git and real Nix, on a scratch copy of the
// example genome: verify -> promote (its `seed-smoke` check plays the VM-check role) ->
// install-plan --record -> install-apply -> install-verify (all matched) -> install-revert ->
// install-verify (all missing) -> ledger verify on every ledger touched.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from './support/cli.js';
import { initRepo } from './support/git.js';
import { tempDir } from './support/tmp.js';

describe('P1 -> P2 -> P3 install, verify and revert', () => {
  it('climbs every gate and leaves valid, chained ledgers', { timeout: 300_000 }, () => {
    const base = tempDir('aos-pipeline-');
    const genome = join(base, 'genome');
    const memory = join(base, 'memory');
    const target = join(base, 'target');
    mkdirSync(target);
    cpSync(join(REPO_ROOT, 'examples', 'genome'), genome, { recursive: true });
    initRepo(genome);
    const proposal = join(genome, 'mutations', 'pending', 'mut-example-motd', 'proposal.json');
    const env = { AUTOPOIETIC_MEMORY_DIR: memory };
    const run = (args: string[]) => runCli('mutation-runner', args, { cwd: genome, env });

    const v = run(['verify', '--proposal', proposal, '--root', genome]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.json()).toMatchObject({ status: 'verified', mutation_id: 'mut-example-motd' });

    const p = run([
      'promote', '--proposal', proposal, '--root', genome, '--parent-genome', 'git:HEAD',
      '--target-configuration', 'seed', '--vm-check', 'seed-smoke', '--system', 'x86_64-linux',
      '--changed-organ', 'motd',
    ]);
    expect(p.code, p.stderr).toBe(0);
    const promotion = p.json();
    expect(promotion).toMatchObject({ status: 'promoted', phase: 'P2', verification_id: v.json().verification_id });
    const vmCheck = promotion.checks.find((c: { name: string }) => c.name === 'vm-check:seed-smoke');
    expect(vmCheck.status).toBe('passed');
    expect(vmCheck.out_paths[0]).toMatch(/^\/nix\/store\//);

    const plan = run([
      'install-plan', '--mutation-id', 'mut-example-motd', '--target-root', target, '--root', genome,
      '--parent-generation', 'gen-0', '--resulting-generation', 'gen-1', '--record',
    ]);
    expect(plan.code, plan.stderr).toBe(0);
    const planFile = join(base, 'plan.json');
    writeFileSync(planFile, plan.stdout);
    const files: { target_path: string }[] = plan.json().seed_manifest.files;
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files.every((f) => !existsSync(f.target_path))).toBe(true); // a plan writes nothing

    const apply = run(['install-apply', '--plan', planFile, '--yes']);
    expect(apply.code, apply.stderr).toBe(0);
    const identity = files.find((f) => f.target_path.endsWith('etc/autopoietic/identity.json'))!;
    expect(JSON.parse(readFileSync(identity.target_path, 'utf8')).host).toBe('seed-01');

    const verified = run(['install-verify', '--plan', planFile]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.json().all_matched).toBe(true);
    expect(verified.json().files.every((f: { status: string }) => f.status === 'matched')).toBe(true);

    const revert = run(['install-revert', '--plan', planFile, '--yes']);
    expect(revert.code, revert.stderr).toBe(0);
    expect(files.every((f) => !existsSync(f.target_path))).toBe(true);

    const after = run(['install-verify', '--plan', planFile]);
    expect(after.code).toBe(1);
    expect(after.json().all_matched).toBe(false);
    expect(after.json().files.map((f: { status: string }) => f.status)).toEqual(files.map(() => 'missing'));

    // Lineage: planned, installed, reverted; effects: one write per seed file plus its compensation.
    const generations = readFileSync(join(memory, 'generations.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(generations.map((g) => g.lineage_status)).toEqual(['planned', 'installed', 'reverted']);
    expect(new Set(generations.map((g) => g.generation))).toEqual(new Set(['gen-1']));
    const effects = readFileSync(join(memory, 'effects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(effects.filter((e) => e.type === 'seed-file-write')).toHaveLength(files.length);
    expect(effects.length).toBeGreaterThanOrEqual(2 * files.length);

    const ledgers = runCli('mutation-journal', ['ledger', 'verify', '--all'], { cwd: genome, env });
    expect(ledgers.code, ledgers.stdout + ledgers.stderr).toBe(0);
    const report: { status: string; ledgers: { path: string; status: string; lines: number }[] } = ledgers.json();
    expect(report.status).toBe('ok');
    for (const f of ['mutation-results.jsonl', 'mutation-promotions.jsonl', 'generations.jsonl', 'effects.jsonl']) {
      const l = report.ledgers.find((x) => x.path === join(memory, f));
      expect(l, f).toMatchObject({ status: 'ok' });
      expect(l!.lines, f).toBeGreaterThan(0);
    }
  });
});
