import { readFileSync, writeFileSync } from 'node:fs';
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
