// `mutation-journal evidence check` on bundles written by the real commands (verify, promote,
// organ review) over real ledgers and check logs: untouched bundles match; an edited bundle, an
// edited or deleted ledger line, a changed or missing check log each exit 1 naming what differs;
// an output kept nowhere is unverifiable, never matched; bad inputs exit 2 with a hint.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureGenome, memoryDir, readmeProposal, runner } from '../packages/mutation-runner/test/support.js';
import { journal, organLine } from '../packages/mutation-journal/test/organ-fixtures.js';
import { runCli, type CliResult } from './support/cli.js';
import { tempDir } from './support/tmp.js';

interface Item {
  id: string;
  status: string;
  reason: string;
  kind?: string;
  path?: string;
}

const check = (bundle: string, extra: string[] = [], cwd?: string) => runCli('mutation-journal', ['evidence', 'check', bundle, ...extra], cwd ? { cwd } : {});

/** A P1 and a P2 bundle from verify and promote on a fixture genome, with their ledgers and logs. */
function gated() {
  const root = fixtureGenome();
  const proposal = readmeProposal(root);
  const mem = memoryDir();
  const out = tempDir('aos-evidence-');
  const p1 = join(out, 'p1.json');
  const p2 = join(out, 'p2.json');
  const v = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem, '--evidence-bundle', p1]);
  expect(v.code, v.stderr).toBe(0);
  const p = runner(['promote', '--proposal', proposal, '--root', root, '--memory-dir', mem, '--parent-genome', 'git:fixture', '--target-configuration', 'seed', '--vm-check', 'seed-smoke', '--evidence-bundle', p2]);
  expect(p.code, p.stderr).toBe(0);
  return { mem, out, p1, p2, results: join(mem, 'mutation-results.jsonl'), verification: v.json(), promotion: p.json() };
}

const report = (r: CliResult) => r.json() as { status: string; counts: Record<string, number>; inputs: Item[]; parts: Item[]; logs: Item[] };
const all = (r: CliResult) => [...report(r).inputs, ...report(r).parts, ...report(r).logs];
const failing = (r: CliResult) => all(r).filter((i) => i.status !== 'matched');

function expectFailed(r: CliResult, id: string, status: 'differs' | 'missing', reason: RegExp): Item {
  expect(r.code, r.stderr).toBe(1);
  expect(report(r).status).toBe('failed');
  const item = all(r).find((i) => i.id === id);
  expect(item, JSON.stringify(failing(r), null, 1)).toMatchObject({ status });
  expect(item!.reason).toMatch(reason);
  expect(r.stderr).toContain(`${status} ${id}`);
  return item!;
}

const editJson = (file: string, edit: (v: any) => void) => {
  const v = JSON.parse(readFileSync(file, 'utf8'));
  edit(v);
  writeFileSync(file, `${JSON.stringify(v, null, 2)}\n`);
};

describe('evidence check: untouched bundles', () => {
  it('a P1 bundle from verify matches: record, check list, proposal and patch bytes, every part and every check log', () => {
    const g = gated();
    const r = check(g.p1);
    expect(r.code, r.stderr).toBe(0);
    const rep = report(r);
    expect(rep.status).toBe('matched');
    expect(failing(r)).toEqual([]);
    expect(rep.inputs.map((i) => i.kind).sort()).toEqual(['check-list', 'mutation-verification-record', 'patch', 'proposal-file']);
    expect(rep.parts.filter((p) => p.id.startsWith('fact:')).length).toBeGreaterThanOrEqual(6);
    const logs = g.verification.checks.flatMap((c: any) => [c.stdout_log, c.stderr_log]).filter(Boolean);
    expect(logs.length).toBeGreaterThan(0);
    expect(rep.logs.map((l) => l.path).sort()).toEqual(logs.map((l: any) => l.path).sort());
    expect(r.stderr).toMatch(/^evidence check: evidence:ver-\S+: matched \(\d+ matched\)$/m);
  });

  it('a P2 bundle from promote matches, its P1 input read from the verification ledger and both records\' logs checked', () => {
    const g = gated();
    const r = check(g.p2);
    expect(r.code, r.stderr).toBe(0);
    expect(report(r).status).toBe('matched');
    expect(report(r).inputs.map((i) => i.kind)).toEqual(['mutation-promotion-record', 'mutation-verification-record']);
    const ids = new Set(report(r).logs.map((l) => l.id.split(':')[0]));
    expect(ids).toEqual(new Set([g.promotion.promotion_id, g.verification.verification_id]));
  });

  it('with --memory-dir reads a moved memory (ledgers and the logs under it); without it, the moved ledger is missing', () => {
    const g = gated();
    const moved = join(tempDir('aos-moved-'), 'memory');
    cpSync(g.mem, moved, { recursive: true });
    rmSync(g.mem, { recursive: true });
    const there = check(g.p2, ['--memory-dir', moved]);
    expect(there.code, there.stderr).toBe(0);
    expect(report(there).inputs[0]).toMatchObject({ status: 'matched', read_from: join(moved, 'mutation-promotions.jsonl') });
    expect(report(there).logs.every((l) => l.path!.startsWith(`${moved}/`))).toBe(true);
    const gone = check(g.p2);
    expectFailed(gone, `input:${g.promotion.promotion_id}:record`, 'missing', /mutation-promotions\.jsonl does not exist/);
  });
});

describe('evidence check: what differs is named', () => {
  it('an edited fact in the bundle differs, naming both values', () => {
    const g = gated();
    editJson(g.p1, (b) => {
      b.canonical_facts.find((f: any) => f.kind === 'status').value = 'rejected';
    });
    const item = expectFailed(check(g.p1), `fact:${g.verification.verification_id}:status`, 'differs', /value: the bundle has "rejected", the record gives "verified"/);
    expect(item).toMatchObject({ part: 'fact' });
  });

  it('an edited input digest in the bundle differs, with the re-derived digest', () => {
    const g = gated();
    const fake = `sha256:${'0'.repeat(64)}`;
    editJson(g.p1, (b) => {
      b.inputs.find((i: any) => i.kind === 'patch').provenance.digest.value = fake;
    });
    const r = check(g.p1);
    const item = expectFailed(r, `input:${g.verification.verification_id}:patch`, 'differs', /the re-derived digest is sha256:[0-9a-f]{64}, the bundle states sha256:0{64}/);
    expect(item).toMatchObject({ stated: fake });
    // Reported once, at the input: the observation and claim are rebuilt with the bundle's own provenance.
    expect(failing(r).map((i) => i.id)).toEqual([item.id]);
  });

  it('an edited ledger line differs: the record digest, and the parts that restate the changed field', () => {
    const g = gated();
    const text = readFileSync(g.results, 'utf8');
    writeFileSync(g.results, text.replace('"all verifier checks passed"', '"all verifier checks passed (edited)"'));
    const r = check(g.p1);
    expectFailed(r, `input:${g.verification.verification_id}:record`, 'differs', /the re-derived digest is sha256:/);
    expectFailed(r, `observation:${g.verification.verification_id}:record`, 'differs', /summary: .*\(edited\)/);
  });

  it('a deleted ledger line is missing, and the parts it would back are unverifiable, not matched', () => {
    const g = gated();
    writeFileSync(g.results, '');
    const r = check(g.p1);
    expectFailed(r, `input:${g.verification.verification_id}:record`, 'missing', /no line of .*mutation-results\.jsonl carries id ver-/);
    expectFailed(r, `input:${g.verification.verification_id}:checks`, 'missing', /no line/);
    const facts = report(r).parts.filter((p) => p.id.startsWith('fact:'));
    expect(facts.length).toBeGreaterThan(0);
    for (const f of facts) expect(f).toMatchObject({ status: 'unverifiable', reason: expect.stringMatching(/could not be read: missing/) });
    // The P2 bundle citing that P1 line fails too.
    expectFailed(check(g.p2), `input:${g.promotion.promotion_id}:verification`, 'missing', /no line/);
  });

  it('a changed check log differs (size and sha256), and a removed one is missing', () => {
    const g = gated();
    const logs = g.verification.checks.flatMap((c: any) => [c.stdout_log, c.stderr_log]).filter(Boolean);
    const [changed, removed] = logs;
    writeFileSync(changed.path, `${readFileSync(changed.path, 'utf8')}tampered\n`);
    rmSync(removed.path);
    const r = check(g.p1);
    const bad = report(r).logs.filter((l) => l.status !== 'matched');
    expect(bad.map((l) => [l.path, l.status])).toEqual([
      [changed.path, 'differs'],
      [removed.path, 'missing'],
    ]);
    expectFailed(r, bad[0]!.id, 'differs', new RegExp(`${changed.bytes + 9} bytes, the record says ${changed.bytes}; sha256 sha256:[0-9a-f]{64}, the record says ${changed.sha256}`));
    expectFailed(r, bad[1]!.id, 'missing', /no such file/);
  });
});

describe('evidence check: outputs kept nowhere (P4 organ review)', () => {
  async function reviewed() {
    const dir = tempDir('aos-review-');
    const mem = join(dir, 'memory');
    await organLine(mem, { organ_id: 'org-1', event: 'add', name: 'identity', related_goals: ['g'] });
    const bundle = join(dir, 'review.json');
    const r = journal(['review', '--evidence-bundle', bundle], mem);
    expect(r.code, r.stderr).toBe(0);
    const output = join(dir, 'review-output.json');
    writeFileSync(output, r.stdout);
    return { bundle, output };
  }

  it('without the output its record and facts are unverifiable (exit 0, never matched); with --output they match', async () => {
    const { bundle, output } = await reviewed();
    const blind = check(bundle);
    expect(blind.code, blind.stderr).toBe(0);
    expect(report(blind).status).toBe('partly-unverifiable');
    expect(report(blind).counts.matched).toBe(0);
    expect(report(blind).inputs[0]).toMatchObject({ status: 'unverifiable', reason: expect.stringMatching(/kept only if the caller kept it; pass it with --output/) });
    expect(blind.stderr).toMatch(/: partly-unverifiable \(\d+ unverifiable\)/);
    const seen = check(bundle, ['--output', output]);
    expect(seen.code, seen.stderr).toBe(0);
    expect(report(seen).status).toBe('matched');
  });

  it('an output that is not the one the bundle was made from differs', async () => {
    const { bundle, output } = await reviewed();
    editJson(output, (o) => {
      o.active = [...o.active, 'forged'];
    });
    const r = check(bundle, ['--output', output]);
    expect(r.code).toBe(1);
    expect(failing(r).map((i) => i.id)).toEqual(expect.arrayContaining(['input:organ-review:record', 'fact:organ-review:status-groups']));
  });
});

describe('evidence check: bad inputs are usage errors (exit 2)', () => {
  const usage = (r: CliResult, code: string, text: string) => {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[${code}]`);
    expect(r.stderr).toContain(text);
    expect(r.stderr).toMatch(/^hint: /m);
  };

  it('no such file, not JSON, a ledger or a record instead of a bundle, a missing argument', () => {
    const dir = tempDir();
    usage(check(join(dir, 'nope.json')), 'evidence-bundle-unreadable', 'nope.json: no such file');
    writeFileSync(join(dir, 'text.json'), 'not json\n');
    usage(check(join(dir, 'text.json')), 'evidence-bundle-invalid', 'is not JSON');
    writeFileSync(join(dir, 'record.json'), JSON.stringify({ schema_version: '0.1.0', verification_id: 'ver-x' }));
    usage(check('record.json', [], dir), 'evidence-bundle-invalid', `${join(dir, 'record.json')} is not an evidence bundle`);
    usage(check(''), 'argument-blank', 'the bundle path must not be empty');
    const none = runCli('mutation-journal', ['evidence', 'check']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("missing required argument 'bundle'");
  });

  it('--output on a bundle whose record is in a ledger, an unreadable --output, a --memory-dir that is not a directory', () => {
    const g = gated();
    usage(check(g.p1, ['--output', g.p2]), 'flags-conflict', 'is mutation-verification-record');
    usage(check(g.p1, ['--memory-dir', g.p2]), 'memory-dir-invalid', 'is not a directory');
    const review = join(tempDir(), 'r.json');
    writeFileSync(review, readFileSync(g.p1, 'utf8').replaceAll('mutation-verification-record', 'organ-review-output'));
    usage(check(review, ['--output', join(tempDir(), 'gone.json')]), 'output-unreadable', 'gone.json: no such file');
  });
});
