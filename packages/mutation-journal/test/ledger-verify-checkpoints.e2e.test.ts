import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';

/**
 * `ledger verify --all --checkpoint` requires every existing ledger's own checkpoint. A ledger
 * without one is a verdict of its own (`checkpoint-missing`, with the command that takes it), and
 * the ledgers after it are still checked: the run used to end at the first one with
 * error[checkpoint-unreadable] and no report.
 */
function journal(args: string[]) {
  return runCli('mutation-journal', args, { env: { AUTOPOIETIC_LOG_LEVEL: 'silent' } });
}

interface Verdict {
  path: string;
  status: string;
  problems: Array<{ line: number; kind: string }>;
  checkpoint?: { path: string; status: string; hint?: string };
}

/** A memory dir with two mutation records, two effects and one organ, each ledger written by the CLI. */
function memory(): { mem: string; mutations: string; effects: string; organs: string } {
  const mem = tempDir();
  const ok = (args: string[]) => expect(journal([...args, '--memory-dir', mem]).code).toBe(0);
  for (const goal of ['one', 'two']) ok(['append', '--goal', goal, '--phase', 'P0']);
  for (const target of ['x', 'y']) ok(['effect', '--mutation-id', 'm', '--type', 't', '--target', target]);
  ok(['organ', 'add', '--name', 'fmt', '--type', 'cli', '--source', 'pkgs/fmt', '--purpose', 'p']);
  return { mem, mutations: join(mem, 'mutations.jsonl'), effects: join(mem, 'effects.jsonl'), organs: join(mem, 'organs.jsonl') };
}

function checkpoint(ledger: string): void {
  expect(journal(['ledger', 'checkpoint', '--path', ledger]).code).toBe(0);
}

function verifyAll(mem: string) {
  const r = journal(['ledger', 'verify', '--all', '--checkpoint', '--memory-dir', mem]);
  const out = r.json() as { status: string; ledgers: Verdict[] };
  const byPath = (path: string) => out.ledgers.find((l) => l.path === path)!;
  return { r, out, byPath };
}

const takeHint = (ledger: string) => `Take one with \`mutation-journal ledger checkpoint --path ${ledger}\` (once the ledger verifies).`;

describe('ledger verify --all --checkpoint', () => {
  it('gives every ledger its verdict: one without its checkpoint (the first checked), one broken, one intact; exit 1', () => {
    const { mem, mutations, effects, organs } = memory();
    checkpoint(effects);
    checkpoint(organs);
    // Edit the first effect after its checkpoint: the chain names the line.
    writeFileSync(effects, readFileSync(effects, 'utf8').replace('"target":"x"', '"target":"z"'));

    const { r, out, byPath } = verifyAll(mem);
    expect(r.code).toBe(1);
    expect(out.status, 'a broken ledger makes the memory dir broken').toBe('broken');
    expect(byPath(mutations)).toMatchObject({
      status: 'checkpoint-missing',
      problems: [],
      head: { seq: 2 },
      checkpoint: { path: `${mutations}.checkpoint.json`, status: 'missing', hint: takeHint(mutations) },
    });
    expect(byPath(effects)).toMatchObject({ status: 'broken', problems: [{ line: 1, kind: 'edited' }], checkpoint: { status: 'ok', seq: 2 } });
    expect(byPath(organs)).toMatchObject({ status: 'ok', problems: [], checkpoint: { status: 'ok', seq: 1 } });
    // A ledger not created yet needs no checkpoint.
    expect(byPath(join(mem, 'lineage.jsonl'))).toMatchObject({ status: 'missing' });
    expect(byPath(join(mem, 'lineage.jsonl')).checkpoint).toBeUndefined();

    const [summary, hint, ...rest] = r.stderr.split('\n');
    expect(summary).toBe(`ledger verify: ${mutations}: no checkpoint ${mutations}.checkpoint.json; ${effects}: broken, 1 problem(s), first at line 1: edited`);
    expect(hint).toMatch(/^hint: Take each missing checkpoint with `mutation-journal ledger checkpoint --path <ledger>` once that ledger verifies/);
    expect(rest).toEqual(['']);
  });

  it('says checkpoint-missing when only checkpoints are missing, and exits 0 once they are taken as the hints say', () => {
    const { mem, mutations, effects, organs } = memory();
    checkpoint(organs);
    const before = verifyAll(mem);
    expect(before.r.code).toBe(1);
    expect(before.out.status).toBe('checkpoint-missing');
    expect([mutations, effects, organs].map((p) => before.byPath(p).status)).toEqual(['checkpoint-missing', 'checkpoint-missing', 'ok']);
    for (const ledger of [mutations, effects]) {
      const command = /`mutation-journal (ledger checkpoint --path \S+)`/.exec(before.byPath(ledger).checkpoint!.hint!)![1]!;
      checkpoint(command.split(' ')[3]!);
    }
    const after = verifyAll(mem);
    expect(after.r.code, after.r.stderr).toBe(0);
    expect(after.out.status).toBe('ok');
    expect(after.out.ledgers.filter((l) => l.checkpoint).map((l) => [l.path, l.checkpoint!.status])).toEqual([
      [mutations, 'ok'],
      [effects, 'ok'],
      [organs, 'ok'],
    ]);
  });

  it('keeps the status of a damaged ledger that also lacks its checkpoint, and names both', () => {
    const { mem, effects } = memory();
    writeFileSync(effects, '{"torn', { flag: 'a' });
    const { r, byPath } = verifyAll(mem);
    expect(r.code).toBe(1);
    expect(byPath(effects)).toMatchObject({ status: 'torn-tail', checkpoint: { status: 'missing', hint: takeHint(effects) } });
    expect(r.stderr).toContain(`${effects}: torn-tail, 1 problem(s), first at line 3: torn-tail, no checkpoint ${effects}.checkpoint.json`);
  });
});

/** The hint of a checkpoint that cannot be used: move it aside (named for what is wrong), then take a new one. */
const asideHint = (why: string, ledger: string, status: string) =>
  `${why}: \`mv ${ledger}.checkpoint.json ${ledger}.checkpoint.json.${status} && mutation-journal ledger checkpoint --path ${ledger}\`.`;
const INVALID_WHY = 'A checkpoint is only written by `ledger checkpoint`: restore it from where you keep a copy, or move it aside and take a new one once the ledger verifies';
const FAULT_HINT = 'hint: Fix each checkpoint that cannot be used as its checkpoint.hint in the report says (restore it, or move it aside and take a new one with `mutation-journal ledger checkpoint --path <ledger>`).';

describe('ledger verify --all --checkpoint: a checkpoint that cannot be used', () => {
  it('is its ledger\'s verdict (checkpoint-invalid, with why and how to fix it), and the other ledgers are still checked; exit 1', () => {
    const { mem, mutations, effects, organs } = memory();
    for (const ledger of [mutations, effects, organs]) checkpoint(ledger);
    const clean = verifyAll(mem);
    expect(clean.r.code, clean.r.stderr).toBe(0);
    // Cut short mid-write, and a copy of the organs checkpoint put in place of the effects one.
    writeFileSync(`${mutations}.checkpoint.json`, '{"schema_version": 1, "ledger": "mutations.jsonl", "seq": 2,');
    copyFileSync(`${organs}.checkpoint.json`, `${effects}.checkpoint.json`);

    const { r, out, byPath } = verifyAll(mem);
    expect(r.code).toBe(1);
    expect(out.status, 'no ledger is damaged: the worst is a checkpoint that cannot be used').toBe('checkpoint-invalid');
    // Each verdict is the clean report (lines, head, problems) with its checkpoint's fault in place of its result.
    expect(byPath(mutations)).toEqual({
      ...clean.byPath(mutations),
      status: 'checkpoint-invalid',
      checkpoint: {
        path: `${mutations}.checkpoint.json`,
        status: 'invalid',
        reason: `the ledger checkpoint ${mutations}.checkpoint.json is invalid: not valid JSON`,
        hint: asideHint(INVALID_WHY, mutations, 'invalid'),
      },
    });
    expect(byPath(effects)).toEqual({
      ...clean.byPath(effects),
      status: 'checkpoint-invalid',
      checkpoint: {
        path: `${effects}.checkpoint.json`,
        status: 'other-ledger',
        reason: `the checkpoint ${effects}.checkpoint.json belongs to ledger organs.jsonl, not effects.jsonl`,
        hint: asideHint('It is the checkpoint of another ledger, not of effects.jsonl: move it aside and take this ledger\'s own once it verifies', effects, 'other-ledger'),
      },
    });
    expect(byPath(organs)).toEqual(clean.byPath(organs));
    expect(byPath(organs)).toMatchObject({ status: 'ok', checkpoint: { status: 'ok', seq: 1 } });
    expect(r.stderr.split('\n')).toEqual([
      `ledger verify: ${mutations}: the ledger checkpoint ${mutations}.checkpoint.json is invalid: not valid JSON; ${effects}: the checkpoint ${effects}.checkpoint.json belongs to ledger organs.jsonl, not effects.jsonl`,
      FAULT_HINT,
      '',
    ]);

    // One ledger named keeps its error, as before.
    const one = journal(['ledger', 'verify', '--path', mutations, '--checkpoint']);
    expect([one.code, one.stderr.split('\n')[0]]).toEqual([1, `error[checkpoint-invalid]: the ledger checkpoint ${mutations}.checkpoint.json is invalid: not valid JSON`]);

    // The hints work: move each aside, take a new one, and every ledger verifies.
    for (const [ledger, status] of [[mutations, 'invalid'], [effects, 'other-ledger']] as const) {
      renameSync(`${ledger}.checkpoint.json`, `${ledger}.checkpoint.json.${status}`);
      checkpoint(ledger);
    }
    const fixed = verifyAll(mem);
    expect([fixed.r.code, fixed.out.status], fixed.r.stderr).toEqual([0, 'ok']);
  });

  it('ranks damage before checkpoints that cannot be used, and those before missing ones; a BOM and a directory are faults too', () => {
    const { mem, mutations, effects, organs } = memory();
    checkpoint(mutations);
    const cp = readFileSync(`${mutations}.checkpoint.json`);
    writeFileSync(`${mutations}.checkpoint.json`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), cp]));
    mkdirSync(`${effects}.checkpoint.json`);

    const first = verifyAll(mem);
    expect([first.r.code, first.out.status]).toEqual([1, 'checkpoint-invalid']);
    expect(first.byPath(mutations)).toMatchObject({ status: 'checkpoint-invalid', checkpoint: { status: 'byte-order-mark' } });
    expect(first.byPath(mutations).checkpoint!.hint).toMatch(/^Remove the BOM with `sed -i /);
    expect(first.byPath(effects)).toMatchObject({
      status: 'checkpoint-invalid',
      checkpoint: { status: 'unreadable', reason: `cannot read the ledger checkpoint ${effects}.checkpoint.json: not a regular file (a directory)` },
    });
    expect(first.byPath(organs)).toMatchObject({ status: 'checkpoint-missing', checkpoint: { status: 'missing' } });
    expect(first.r.stderr.split('\n')[1]).toBe(`${FAULT_HINT} Take each missing checkpoint with \`mutation-journal ledger checkpoint --path <ledger>\` once that ledger verifies (its checkpoint.hint in the report spells the command).`);

    // Without --checkpoint, the default checkpoint is still used where it exists, and its faults are verdicts too.
    const plain = journal(['ledger', 'verify', '--all', '--memory-dir', mem]);
    expect([plain.code, plain.json().status]).toEqual([1, 'checkpoint-invalid']);

    // A damaged ledger keeps its own status, and its checkpoint's fault is named after its problems.
    writeFileSync(effects, readFileSync(effects, 'utf8').replace('"target":"x"', '"target":"z"'));
    const damaged = verifyAll(mem);
    expect([damaged.r.code, damaged.out.status]).toEqual([1, 'broken']);
    expect(damaged.byPath(effects)).toMatchObject({ status: 'broken', problems: [{ line: 1, kind: 'edited' }], checkpoint: { status: 'unreadable' } });
    expect(damaged.r.stderr).toContain(`${effects}: broken, 1 problem(s), first at line 1: edited, cannot read the ledger checkpoint ${effects}.checkpoint.json: not a regular file (a directory); `);
  });
});
