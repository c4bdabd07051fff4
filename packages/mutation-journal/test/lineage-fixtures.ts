import { appendRecord } from '@autopoietic/core/ledger';
import { join } from 'node:path';

/**
 * A known set of ledgers for the lineage view tests, written through the real ledger append
 * (validated and chained), with fixed ids and times so that every rendering is reproducible.
 *
 * The story: evolve run A makes three attempts (a generator crash, a rejected proposal, a
 * verified one that is promoted, planned and installed as gen-2 on top of gen-1, with one seed
 * effect); run B branches from A's rejected attempt (--from-attempt) and is rejected again.
 */
const FP = (c: string) => `sha256:${c.repeat(64)}`;
const T = (s: number) => new Date(Date.UTC(2026, 0, 2, 3, 4, s)).toISOString();

export const IDS = {
  runA: 'run-20260102-030400-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  runB: 'run-20260102-030500-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
  a1: 'att-20260102-030401-11111111111111111111111111111111',
  a2: 'att-20260102-030402-22222222222222222222222222222222',
  a3: 'att-20260102-030403-33333333333333333333333333333333',
  b1: 'att-20260102-030404-44444444444444444444444444444444',
  mut2: 'mut-20260102-030402-22222222222222222222222222222222',
  mut3: 'mut-20260102-030403-33333333333333333333333333333333',
  mutB: 'mut-20260102-030404-44444444444444444444444444444444',
  ver2: 'ver-20260102-030402-22222222222222222222222222222222',
  ver3: 'ver-20260102-030403-33333333333333333333333333333333',
  verB: 'ver-20260102-030404-44444444444444444444444444444444',
  pro3: 'pro-20260102-030403-33333333333333333333333333333333',
  eff: 'eff-20260102-030406-66666666666666666666666666666666',
};

const GOAL = 'set `autopoietic.identity.host` to `seed-02` on host `seed`';
const generator = { command: 'node gen.mjs', argv: ['node', 'gen.mjs'], files: [], digest: FP('9') };

function check(name: string, status: 'passed' | 'failed', log?: string) {
  return {
    name,
    command: name === 'apply-patch' ? 'git' : 'nix',
    status,
    exit_code: status === 'passed' ? 0 : 1,
    stdout: '',
    stderr: status === 'failed' ? 'error: The option `autopoietic.identity.host\' has a value of the wrong type: expected string.' : '',
    ...(log ? { stderr_log: { path: log, sha256: FP('c'), bytes: 120 } } : {}),
  };
}

function attempt(id: string, o: Record<string, unknown>) {
  return {
    schema_version: '0.1.0',
    attempt_id: id,
    goal: GOAL,
    generator,
    durations: { handoff_ms: 5, generate_ms: 40, verify_ms: 900, total_ms: 950 },
    ...o,
  };
}

function verification(id: string, mutation: string, status: 'verified' | 'rejected', at: string, logDir: string) {
  const checks = status === 'verified' ? [check('apply-patch', 'passed'), check('nix-flake-check', 'passed')] : [check('apply-patch', 'passed'), check('nix-flake-check', 'failed', join(logDir, `${id}.stderr.log`))];
  return {
    schema_version: '0.1.0', verification_id: id, timestamp: at, mutation_id: mutation, goal: GOAL, phase: 'evolve', status,
    reason: status === 'verified' ? 'all verifier checks passed' : 'one or more verifier checks failed',
    proposal_fingerprint: FP('1'), root_fingerprint: FP('2'), changed_paths: ['hosts/seed/configuration.nix'], checks,
  };
}

export async function writeKnownLedgers(mem: string): Promise<void> {
  const logs = join(mem, 'logs');
  const L = (f: string) => join(mem, f);
  const score = (passed: number, total: number, checks: { name: string; status: 'passed' | 'failed' }[]) => ({ value: total ? passed / total : null, passed, total, checks });
  await appendRecord(L('lineage.jsonl'), 'lineage-attempt', attempt(IDS.a1, {
    parent_attempt_id: null, run_id: IDS.runA, attempt_number: 1, timestamp: T(1), handoff_digest: FP('a'), handoff_path: join(logs, 'a1', 'handoff.json'),
    generator_run: { outcome: 'exited', exit_code: 0, signal: null, stdout_bytes: 9, stderr_bytes: 0, stdout_log: { path: join(logs, 'a1', 'generator.stdout.log'), sha256: FP('d'), bytes: 9 } },
    verdict: 'error', stage: 'generate', reason: 'generator output is not a proposal: stdout is not JSON <script>alert(1)</script>', score: score(0, 0, []),
  }));
  await appendRecord(L('lineage.jsonl'), 'lineage-attempt', attempt(IDS.a2, {
    parent_attempt_id: IDS.a1, run_id: IDS.runA, attempt_number: 2, timestamp: T(2), handoff_digest: FP('b'), mutation_id: IDS.mut2, proposal_fingerprint: FP('1'),
    verdict: 'rejected', stage: 'verify', reason: 'one or more verifier checks failed', verification_id: IDS.ver2,
    score: score(1, 2, [{ name: 'apply-patch', status: 'passed' }, { name: 'nix-flake-check', status: 'failed' }]),
  }));
  await appendRecord(L('lineage.jsonl'), 'lineage-attempt', attempt(IDS.a3, {
    parent_attempt_id: IDS.a2, run_id: IDS.runA, attempt_number: 3, timestamp: T(3), handoff_digest: FP('c'), mutation_id: IDS.mut3, proposal_fingerprint: FP('1'),
    verdict: 'verified', stage: 'promote', reason: 'all verifier checks passed', verification_id: IDS.ver3, promotion_id: IDS.pro3, promotion_status: 'promoted',
    score: score(2, 2, [{ name: 'apply-patch', status: 'passed' }, { name: 'nix-flake-check', status: 'passed' }]),
  }));
  await appendRecord(L('lineage.jsonl'), 'lineage-attempt', attempt(IDS.b1, {
    parent_attempt_id: IDS.a2, run_id: IDS.runB, attempt_number: 1, timestamp: T(4), handoff_digest: FP('e'), mutation_id: IDS.mutB, proposal_fingerprint: FP('1'),
    verdict: 'rejected', stage: 'verify', reason: 'one or more verifier checks failed', verification_id: IDS.verB,
    score: score(1, 2, [{ name: 'apply-patch', status: 'passed' }, { name: 'nix-flake-check', status: 'failed' }]),
  }));
  for (const [id, mut, status, at] of [[IDS.ver2, IDS.mut2, 'rejected', T(2)], [IDS.ver3, IDS.mut3, 'verified', T(3)], [IDS.verB, IDS.mutB, 'rejected', T(4)]] as const) {
    await appendRecord(L('mutation-results.jsonl'), 'mutation-result', verification(id, mut, status, at, logs));
  }
  await appendRecord(L('mutation-promotions.jsonl'), 'mutation-promotion', {
    schema_version: '0.1.0', promotion_id: IDS.pro3, timestamp: T(3), mutation_id: IDS.mut3, goal: GOAL, phase: 'P2', status: 'promoted', reason: 'all promotion checks passed',
    verification_id: IDS.ver3, proposal_fingerprint: FP('1'), verified_root_fingerprint: FP('2'), promotion_root_fingerprint: FP('2'), parent_genome: 'git:abc',
    target_configuration: 'seed', changed_paths: ['hosts/seed/configuration.nix'], checks: [check('vm-check:seed-smoke', 'passed')],
  });
  await appendRecord(L('mutations.jsonl'), 'mutation', { schema_version: '0.1.0', mutation_id: IDS.mut3, timestamp: T(5), goal: GOAL, status: 'accepted', phase: 'P3', reason: 'installed as gen-2' });
  const gen = (label: string, status: 'planned' | 'installed', at: string, parent: string | null, extra: Record<string, unknown> = {}) => ({
    schema_version: '0.1.0', timestamp: at, lineage_status: status, generation: label, mutation_id: IDS.mut3, goal: GOAL, parent_generation: parent, activation_result: `${status}-install`, ...extra,
  });
  await appendRecord(L('generations.jsonl'), 'generation', gen('gen-1', 'installed', T(0), null, { mutation_id: 'mut-genesis' }));
  await appendRecord(L('generations.jsonl'), 'generation', gen('gen-2', 'planned', T(5), 'gen-1', { promotion_id: IDS.pro3, plan_digest: FP('7') }));
  await appendRecord(L('generations.jsonl'), 'generation', gen('gen-2', 'installed', T(7), 'gen-1', { promotion_id: IDS.pro3, plan_digest: FP('7') }));
  await appendRecord(L('effects.jsonl'), 'effect', {
    schema_version: '0.1.0', effect_id: IDS.eff, timestamp: T(6), mutation_id: IDS.mut3, type: 'seed-file-write', target: '/mnt/etc/autopoietic/identity.json', reversible: true,
    compensation: 'install-revert removes it', risk: 'low', metadata: { plan_digest: FP('7') },
  });
}
