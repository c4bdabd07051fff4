// The proposal queue (mutations/) is not the genome (ADR 0018): with real git, real `propose` and
// real Nix, a proposal verified before others were proposed, filed or dropped still promotes, and
// a change to a genome file between verify and promote is still refused.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../../../tests/support/git.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { fixtureGenome, ledger, makePatch, memoryDir, runner } from './support.js';

interface Genome {
  root: string;
  mem: string;
}

const setup = (): Genome => ({ root: fixtureGenome(), mem: memoryDir() });

/** A real `propose --patch` of a change made by `edit` on a scratch copy: the genome itself is not touched. */
function propose(g: Genome, id: string, edit: (scratch: string) => void): string {
  const { patch } = makePatch(g.root, edit);
  const file = join(tempDir('aos-diff-'), `${id}.diff`);
  writeFileSync(file, patch);
  const r = runner(['propose', '--root', g.root, '--memory-dir', g.mem, '--goal', `goal of ${id}`, '--patch', file, '--mutation-id', id]);
  expect(r.code, r.stderr).toBe(0);
  expect(r.json().proposal_path).toBe(join(g.root, 'mutations', 'pending', id, 'proposal.json'));
  return r.json().proposal_path;
}

const editReadme = (w: string) => writeFileSync(join(w, 'README.md'), 'Fixture genome, changed.\n');
const addHostNote = (w: string) => writeFileSync(join(w, 'hosts', 'note.nix'), '{ }\n');

/** A real proposal `id` (adding hosts/note.nix), committed to git with the queue. */
function commitQueued(g: Genome, id: string): void {
  propose(g, id, addHostNote);
  git(g.root, ['add', 'mutations']);
  git(g.root, ['commit', '-qm', `queue ${id}`]);
}

function verify(g: Genome, proposal: string) {
  return runner(['verify', '--proposal', proposal, '--root', g.root, '--memory-dir', g.mem]);
}

function promote(g: Genome, proposal: string) {
  return runner(['promote', '--proposal', proposal, '--root', g.root, '--memory-dir', g.mem, '--parent-genome', 'git:fixture', '--target-configuration', 'seed', '--vm-check', 'seed-smoke']);
}

describe('the proposal queue is not part of the root fingerprint', () => {
  it('promotes A although B was proposed into mutations/pending/ after A was verified (it was refused: "root fingerprint does not match")', () => {
    const g = setup();
    const a = propose(g, 'mut-a', editReadme);
    const v = verify(g, a);
    expect(v.code, v.stderr).toBe(0);
    const b = propose(g, 'mut-b', addHostNote);
    expect(existsSync(b)).toBe(true);
    const r = promote(g, a);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ status: 'promoted', verification_id: v.json().verification_id, verified_root_fingerprint: v.json().root_fingerprint });
    expect(r.json().promotion_root_fingerprint).toBe(v.json().root_fingerprint);
    // B is still queued, untouched, and verifies on its own.
    expect(verify(g, b).code).toBe(0);
  });

  it('binds a queue that is committed to git, with proposals filed under accepted/ and failed/ or dropped between verify and promote', () => {
    const g = setup();
    const a = propose(g, 'mut-a', editReadme);
    propose(g, 'mut-b', addHostNote);
    propose(g, 'mut-c', (w) => writeFileSync(join(w, 'hosts', 'other.nix'), '{ }\n'));
    git(g.root, ['add', 'mutations']);
    git(g.root, ['commit', '-qm', 'queue three proposals']);
    const v = verify(g, a);
    expect(v.code, v.stderr).toBe(0);
    mkdirSync(join(g.root, 'mutations', 'failed'), { recursive: true });
    git(g.root, ['mv', 'mutations/pending/mut-b', 'mutations/failed/mut-b']);
    git(g.root, ['commit', '-qm', 'file mut-b as failed']);
    rmSync(join(g.root, 'mutations', 'pending', 'mut-c'), { recursive: true }); // dropped, uncommitted
    mkdirSync(join(g.root, 'mutations', 'accepted'));
    writeFileSync(join(g.root, 'mutations', 'accepted', 'notes.md'), 'filed by hand\n');
    const r = promote(g, a);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().status).toBe('promoted');
    expect(r.json().promotion_root_fingerprint).toBe(v.json().root_fingerprint);
  });

  it('still refuses the promotion when a genome file changed between verify and promote, queue change or not', () => {
    const g = setup();
    const a = propose(g, 'mut-a', editReadme);
    const v = verify(g, a);
    expect(v.code, v.stderr).toBe(0);
    propose(g, 'mut-b', addHostNote);
    const flake = join(g.root, 'flake.nix');
    writeFileSync(flake, `${readFileSync(flake, 'utf8')}# edited after P1\n`);
    const r = promote(g, a);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'rejected', verified_root_fingerprint: v.json().root_fingerprint, checks: [] });
    expect(r.json().reason).toBe(`root fingerprint does not match P1 verification ${v.json().verification_id}: it verified root ${v.json().root_fingerprint}, the genome is now ${r.json().promotion_root_fingerprint}; verify again`);
    expect(r.json().promotion_root_fingerprint).not.toBe(v.json().root_fingerprint);
  });

  it('counts a file beside the queue (mutations.nix) as genome', () => {
    const g = setup();
    const a = propose(g, 'mut-a', editReadme);
    const v = verify(g, a);
    expect(v.code, v.stderr).toBe(0);
    writeFileSync(join(g.root, 'mutations.nix'), '{ }\n');
    const r = promote(g, a);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toContain('root fingerprint does not match');
  });
});

describe('a patch that edits the proposal queue', () => {
  const queued = 'mutations/pending/mut-other/proposal.json';
  const editQueue = (w: string) => {
    mkdirSync(join(w, 'mutations', 'pending', 'mut-other'), { recursive: true });
    writeFileSync(join(w, queued), '{}\n');
  };

  it('is rejected by verify, naming the path and the queue, before anything is applied', () => {
    const g = setup();
    const { patch } = makePatch(g.root, editQueue);
    const dir = join(tempDir('aos-proposal-'), 'mut-q');
    mkdirSync(dir);
    writeFileSync(join(dir, 'patch.diff'), patch);
    const proposal = join(dir, 'proposal.json');
    writeFileSync(proposal, JSON.stringify({ schema_version: '0.1.0', mutation_id: 'mut-q', goal: 'queue edit', phase: 'P1', changed_paths: [queued], expected_checks: [], patch_path: 'patch.diff' }));
    const r = verify(g, proposal);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ status: 'rejected', checks: [] });
    expect(r.json().reason).toContain(`patch path "${queued}" is in the proposal queue (mutations/), which is not part of the genome`);
    expect(ledger(join(g.mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['rejected']);
  });

  it('is refused by propose --patch, which writes nothing', () => {
    const g = setup();
    const { patch } = makePatch(g.root, editQueue);
    const file = join(tempDir('aos-diff-'), 'queue.diff');
    writeFileSync(file, patch);
    const r = runner(['propose', '--root', g.root, '--memory-dir', g.mem, '--goal', 'queue edit', '--patch', file, '--mutation-id', 'mut-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[proposal-refused]');
    expect(r.stderr).toContain('is in the proposal queue (mutations/)');
    expect(existsSync(join(g.root, 'mutations', 'pending', 'mut-q'))).toBe(false);
  });

  it('leaves an untracked queued proposal out of a work-tree propose, naming why', () => {
    const g = setup();
    propose(g, 'mut-b', addHostNote);
    writeFileSync(join(g.root, 'README.md'), 'Fixture genome, edited in place.\n');
    const r = runner(['propose', '--root', g.root, '--memory-dir', g.mem, '--goal', 'readme', '--mutation-id', 'mut-wt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual(['README.md']);
    expect(r.json().left_out).toEqual([
      { path: 'mutations/pending/mut-b/patch.diff', why: 'the proposal queue (mutations/), not the genome' },
      { path: 'mutations/pending/mut-b/proposal.json', why: 'the proposal queue (mutations/), not the genome' },
    ]);
  });
  it('leaves a committed proposal deleted in the work tree out of a work-tree propose (it was refused: the diff deleted it)', () => {
    const g = setup();
    commitQueued(g, 'mut-b');
    rmSync(join(g.root, 'mutations', 'pending', 'mut-b'), { recursive: true });
    writeFileSync(join(g.root, 'README.md'), 'Fixture genome, edited in place.\n');
    const r = runner(['propose', '--root', g.root, '--memory-dir', g.mem, '--goal', 'readme', '--mutation-id', 'mut-wt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual(['README.md']);
    const why = 'a change to the proposal queue (mutations/), which is not the genome: no proposal may carry it';
    expect(r.json().left_out).toEqual([
      { path: 'mutations/pending/mut-b/patch.diff', why },
      { path: 'mutations/pending/mut-b/proposal.json', why },
    ]);
    expect(readFileSync(join(g.root, 'mutations', 'pending', 'mut-wt', 'patch.diff'), 'utf8')).not.toContain('mutations/');
  });

  it('proposes a commit range that also filed a proposal, without the queue', () => {
    const g = setup();
    commitQueued(g, 'mut-b');
    writeFileSync(join(g.root, 'README.md'), 'Fixture genome, committed change.\n');
    mkdirSync(join(g.root, 'mutations', 'failed'));
    git(g.root, ['mv', 'mutations/pending/mut-b', 'mutations/failed/mut-b']);
    git(g.root, ['commit', '-qam', 'change the readme and file mut-b as failed']);
    const r = runner(['propose', '--root', g.root, '--memory-dir', g.mem, '--goal', 'readme', '--from', 'HEAD~1..HEAD', '--mutation-id', 'mut-range']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_paths).toEqual(['README.md']);
    expect(r.json().left_out.map((l: { path: string }) => l.path)).toEqual([
      'mutations/failed/mut-b/patch.diff',
      'mutations/failed/mut-b/proposal.json',
      'mutations/pending/mut-b/patch.diff',
      'mutations/pending/mut-b/proposal.json',
    ]);
    expect(readFileSync(join(g.root, 'mutations', 'pending', 'mut-range', 'patch.diff'), 'utf8')).not.toContain('mutations/');
  });

  it('says the queue was left out when only the queue changed', () => {
    const g = setup();
    commitQueued(g, 'mut-b');
    rmSync(join(g.root, 'mutations', 'pending', 'mut-b'), { recursive: true });
    const r = runner(['propose', '--root', g.root, '--memory-dir', g.mem, '--goal', 'nothing', '--mutation-id', 'mut-none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[diff-empty]');
    expect(r.stderr).toContain('mutations/pending/mut-b/proposal.json (a change to the proposal queue (mutations/), which is not the genome: no proposal may carry it)');
  });
  it('warns when propose writes proposals inside the genome but outside the queue, and not for the queue', () => {
    const g = setup();
    const { patch } = makePatch(g.root, editReadme);
    const file = join(tempDir('aos-diff-'), 'readme.diff');
    writeFileSync(file, patch);
    const base = ['propose', '--root', g.root, '--memory-dir', g.mem, '--goal', 'readme', '--patch', file];
    const inside = runner([...base, '--out-dir', join(g.root, 'proposals'), '--mutation-id', 'mut-in']);
    expect(inside.code, inside.stderr).toBe(0);
    expect(inside.stderr).toContain(`--out-dir ${join(g.root, 'proposals')} lies inside the genome but outside the proposal queue (mutations/)`);
    const queued = runner([...base, '--mutation-id', 'mut-q']);
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stderr).not.toContain('lies inside the genome');
  });
});
