import { describe, expect, it } from 'vitest';
import { Handoff, type SelfState } from '@autopoietic/core/schemas';
import { buildHandoff, type HandoffInput } from './build.js';
import type { HistoryItem } from './history.js';

const ROOT = '/srv/genomes/live-genome';
const FP = (c: string) => `sha256:${c.repeat(64)}`;
const GOAL = 'set `autopoietic.identity.host` to `seed-02` on host `seed`';

/** The parts of a self-state the hand-off reads, with `settings` extra option settings in one module. */
function state(settings = 0): SelfState {
  const config = Array.from({ length: settings }, (_, i) => ({ path: `services.thing${i}.enable`, line: i + 1, conditional: false, literal: true }));
  return {
    observed_at: '2026-01-02T03:04:05.000Z',
    identity: { host: 'seed-01', roles: ['dev'], source: 'genome' },
    genome: {
      nix_files: [{ path: 'hosts/seed/configuration.nix', sha256: FP('1') }, { path: 'modules/identity.nix', sha256: FP('2') }, { path: 'modules/big.nix', sha256: FP('3') }],
      hosts: [{ name: 'seed', file: 'hosts/seed/configuration.nix', closure: ['hosts/seed/configuration.nix', 'modules/identity.nix', 'modules/big.nix'], identity: { host: 'seed-01' } }],
      modules: [
        { path: 'hosts/seed/configuration.nix', options: [], config: [{ path: 'autopoietic.identity.host', line: 9, conditional: false, literal: 'seed-01' }] },
        { path: 'modules/identity.nix', options: [{ path: 'autopoietic.identity.host', type: 'types.str', default: '"unknown"', description: null, description_value: 'Host name.', line: 10 }], config: [] },
        { path: 'modules/big.nix', options: [], config },
      ],
    },
    memory: { ledgers: [{ kind: 'lineage', status: 'ok', lines: 2 }] },
    pain_points: [{ signal: 'slow builds', evidence: ['x'], candidate: 'cache', source: 'genome' }],
  } as unknown as SelfState;
}

function feedback(stderr: string): HistoryItem {
  return {
    attempt: {
      schema_version: '0.1.0', attempt_id: 'att-1', parent_attempt_id: null, run_id: 'run-1', attempt_number: 1, timestamp: '2026-01-02T03:04:06.000Z', goal: GOAL,
      generator: { command: 'g', argv: ['g'], files: [], digest: FP('9') }, handoff_digest: FP('8'), mutation_id: 'mut-1', verdict: 'rejected', stage: 'verify',
      reason: 'one or more verifier checks failed', verification_id: 'ver-1', score: { value: 0.5, passed: 1, total: 2, checks: [] },
      durations: { handoff_ms: 1, generate_ms: 1, verify_ms: 1, total_ms: 3 }, chain: { seq: 1, prev: FP('0') },
    },
    verification: {
      schema_version: '0.1.0', verification_id: 'ver-1', timestamp: '2026-01-02T03:04:07.000Z', mutation_id: 'mut-1', goal: GOAL, phase: 'evolve', status: 'rejected',
      reason: 'one or more verifier checks failed', proposal_fingerprint: FP('1'), root_fingerprint: FP('2'), changed_paths: [],
      checks: [
        { name: 'apply-patch', command: 'git', status: 'passed', exit_code: 0, stdout: '', stderr: '' },
        { name: 'nix-flake-check', command: 'nix', status: 'failed', exit_code: 1, stdout: '', stderr, stderr_log: { path: `${ROOT}/memory/logs/ver-1/01.stderr.log`, sha256: FP('c'), bytes: stderr.length } },
      ],
      chain: { seq: 1, prev: FP('0') },
    },
    patch: { text: '--- a/x\n+++ b/x\n', path: `${ROOT}/mutations/pending/mut-1/patch.diff` },
  };
}

/** Attempt `n` of one run, rejected by a check that printed `stderr`, the child of attempt `n - 1`. */
function nth(n: number, stderr: string): HistoryItem {
  const item = feedback(stderr);
  const ver = `ver-${n}`;
  return {
    ...item,
    attempt: { ...item.attempt, attempt_id: `att-${n}`, parent_attempt_id: n > 1 ? `att-${n - 1}` : null, attempt_number: n, mutation_id: `mut-${n}`, verification_id: ver, chain: { seq: n, prev: FP('0') } },
    verification: { ...item.verification!, verification_id: ver, mutation_id: `mut-${n}`, chain: { seq: n, prev: FP('0') } },
  };
}

function input(over: Partial<HandoffInput> = {}): HandoffInput {
  return {
    goal: GOAL,
    subject: { kind: 'goal' },
    maxBytes: 64 * 1024,
    places: { root: ROOT, memoryDir: `${ROOT}/memory` },
    observed: { state: state(), source: 'os-introspect' },
    history: { items: [], omitted: 0 },
    lineageSource: 'memory:lineage.jsonl',
    resultsSource: 'memory:mutation-results.jsonl',
    lineageDigest: FP('e'),
    limits: ['standing limit'],
    handoffId: 'hof-test',
    createdAt: '2026-01-02T03:04:08.000Z',
    ...over,
  };
}

describe('buildHandoff: the schema and the backing rule', () => {
  it('is a valid hand-off in which every fact, claim, question and the summary names existing backing', () => {
    const h = buildHandoff(input({ history: { items: [feedback(`error: wrong type in ${ROOT}/hosts/seed/configuration.nix\n`)], omitted: 2 } }));
    expect(Handoff.parse(h)).toEqual(h);
    const facts = new Set(h.canonical_facts.map((f) => f.fact_id));
    const refs = new Set(h.evidence_refs.map((r) => r.ref_id));
    for (const f of h.canonical_facts) for (const s of f.sources) expect(refs.has(s), s).toBe(true);
    for (const id of [...h.claims.flatMap((c) => c.backing), ...h.summary.backing, ...h.open_uncertainty.flatMap((u) => u.backing)]) {
      expect(facts.has(id) || refs.has(id), id).toBe(true);
    }
    // Every ref is used by something (no padding), and the goal's own setting is claimed with its place.
    expect(h.claims.map((c) => c.claim)).toContain('hosts/seed/configuration.nix:9 sets autopoietic.identity.host to "seed-01" for host(s) seed.');
    expect(h.claims.map((c) => c.claim)).toContain('The latest failing check, nix-flake-check, reported: error: wrong type in <genome>/hosts/seed/configuration.nix');
    expect(h.limits).toContain('2 older ancestor attempt(s) not carried; only the nearest 1 are.');
  });

  it('names the newest carried attempt as the latest, in the summary and the latest-error claim', () => {
    const items = [nth(1, 'error: first message\n'), nth(2, 'error: second message\n'), nth(3, 'error: third message\n')];
    const h = buildHandoff(input({ history: { items, omitted: 0 } }));
    expect(h.summary.text).toContain('3 earlier attempt(s) carried; the latest (#3) was rejected');
    expect(h.summary.backing).toContain('fact:attempt:att-3');
    const latest = h.claims.find((c) => c.claim_id === 'claim:latest-error');
    expect(latest).toMatchObject({ claim: 'The latest failing check, nix-flake-check, reported: error: third message', backing: ['fact:attempt:att-3'] });
  });

  it('names the newest P1 record as the latest for an existing mutation', () => {
    const verifications = [nth(1, 'error: old message\n').verification!, nth(2, 'error: new message\n').verification!];
    const proposal = { schema_version: '0.1.0', mutation_id: 'mut-1', goal: GOAL, phase: 'P1', changed_paths: ['x'], expected_checks: [], patch_path: 'patch.diff' };
    const mutation = { proposal, proposalPath: `${ROOT}/mutations/pending/mut-1/proposal.json`, proposalBytes: Buffer.from('{}'), patch: undefined, verifications, promotions: [], bundles: [], resultsSource: 'memory:mutation-results.jsonl', promotionsSource: 'memory:mutation-promotions.jsonl' };
    const h = buildHandoff(input({ subject: { kind: 'mutation', mutation_id: 'mut-1' }, mutation: mutation as never }));
    const latest = h.claims.find((c) => c.claim_id === 'claim:latest-error');
    expect(latest).toMatchObject({ claim: 'The latest failing check, nix-flake-check, reported: error: new message', backing: ['fact:verification:ver-2'] });
  });

  it('never shows the live genome path: sources are genome:/memory: relative, text is redacted', () => {
    const h = buildHandoff(input({ history: { items: [feedback(`at ${ROOT}/flake.nix:3\n`)], omitted: 0 } }));
    const text = JSON.stringify(h);
    expect(text).not.toContain(ROOT);
    expect(h.evidence_refs.map((r) => r.source)).toEqual(expect.arrayContaining(['memory:logs/ver-1/01.stderr.log', 'genome:mutations/pending/mut-1/patch.diff', 'genome:hosts/seed/configuration.nix']));
  });

  it('refuses a document whose claim names backing it does not carry', () => {
    const h = buildHandoff(input());
    const broken = { ...h, claims: [...h.claims, { claim_id: 'claim:x', claim: 'made up', quality: 'derived', backing: ['fact:nowhere'] }] };
    const r = Handoff.safeParse(broken);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('backing id "fact:nowhere" names no fact or evidence ref');
    expect(Handoff.safeParse({ ...h, canonical_facts: [{ ...h.canonical_facts[0]!, sources: [] }] }).success).toBe(false);
  });

  it('asks an open question, backed by the observation, when no module declares an option the goal names', () => {
    const h = buildHandoff(input({ goal: 'set `autopoietic.motd.text` to `hi` on host `seed`' }));
    expect(h.open_uncertainty.map((u) => u.question)).toEqual([
      'No module of the genome declares autopoietic.motd.text: does the option exist (perhaps from a flake input), or must a module declare it first?',
      'No earlier attempt is carried for this goal, so there is no verifier feedback yet: will the checks accept the change?',
    ]);
    expect(h.open_uncertainty[0]!.backing).toEqual(['ref:self-state:os-introspect']);
  });
});

describe('buildHandoff: the size bound', () => {
  it('sheds the least important facts first, keeps what the goal names, and lists what it left out', () => {
    const full = buildHandoff(input({ observed: { state: state(300), source: 'os-introspect' }, history: { items: [feedback('error: x\n'.repeat(800))], omitted: 0 } }));
    const fullSize = Buffer.byteLength(JSON.stringify(full));
    expect(fullSize).toBeGreaterThan(20_000);
    const h = buildHandoff(input({ maxBytes: 9000, observed: { state: state(300), source: 'os-introspect' }, history: { items: [feedback('error: x\n'.repeat(800))], omitted: 0 } }));
    expect(Buffer.byteLength(JSON.stringify(h))).toBeLessThanOrEqual(9000);
    const kinds = h.canonical_facts.map((f) => f.fact_id);
    expect(kinds).toEqual(expect.arrayContaining(['fact:identity', 'fact:attempt:att-1', 'fact:setting:autopoietic.identity.host@hosts/seed/configuration.nix:9', 'fact:option:autopoietic.identity.host@modules/identity.nix']));
    const left = h.limits.find((l) => l.startsWith('Left out to stay within 9000 bytes:'));
    expect(left).toMatch(/\d+ option settings/);
    expect(left).toContain('1 pain point');
    expect(Handoff.parse(h)).toEqual(h);
  });

  it('cuts log tails before dropping the latest outcome, and says so', () => {
    const h = buildHandoff(input({ maxBytes: 7000, history: { items: [feedback(`${'noise\n'.repeat(1500)}error: the real cause\n`)], omitted: 0 } }));
    expect(Buffer.byteLength(JSON.stringify(h))).toBeLessThanOrEqual(7000);
    const fb = h.canonical_facts.find((f) => f.kind === 'attempt-feedback')!.value as any;
    expect(fb.failing_checks[0].stderr_tail.length).toBeLessThanOrEqual(2048);
    expect(fb.failing_checks[0].stderr_tail.endsWith('error: the real cause\n')).toBe(true);
    expect(h.limits.some((l) => l.startsWith('Check output tails cut to their last'))).toBe(true);
  });

  it('refuses a bound too small for the essentials (exit 2), naming the size it needs', () => {
    expect(() => buildHandoff(input({ maxBytes: 600 }))).toThrow(/--max-bytes 600 is too small: the essential hand-off .* needs \d+ bytes/);
  });
});
