// Helpers for the mutation-runner e2e tests: fixture genomes as real git repositories, proposals
// whose patches come from real `git diff --binary`, the built CLI, and snapshots of a live root.
import { createHash } from 'node:crypto';
import { cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliResult } from '../../../tests/support/cli.js';
import { git, initRepo } from '../../../tests/support/git.js';
import { tempDir, writeTree, type TreeEntry } from '../../../tests/support/tmp.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A fixture genome copied into a fresh committed git repository (plus extra files). */
export function fixtureGenome(name = 'genome', extra: Record<string, TreeEntry> = {}): string {
  const root = join(tempDir('aos-genome-'), 'genome');
  mkdirSync(root);
  cpSync(join(FIXTURES, name), root, { recursive: true });
  initRepo(root, extra);
  return root;
}

/** The same fixture as a plain directory (no git). */
export function plainGenome(name = 'genome', extra: Record<string, TreeEntry> = {}): string {
  const root = join(tempDir('aos-plain-'), 'genome');
  cpSync(join(FIXTURES, name), root, { recursive: true });
  writeTree(root, extra);
  return root;
}

/**
 * A patch made by git itself: copy `root` (work tree only) to a scratch repo, let `change` edit
 * it, and return `git diff --binary` of the result, plus the edited tree for comparisons.
 */
export function makePatch(root: string, change: (scratch: string) => void): { patch: string; expected: string } {
  const scratch = join(tempDir('aos-patch-'), 'w');
  cpSync(root, scratch, { recursive: true, filter: (src) => !src.split('/').includes('.git') });
  initRepo(scratch);
  change(scratch);
  git(scratch, ['add', '-A']);
  return { patch: git(scratch, ['diff', '--cached', '--binary']), expected: scratch };
}

export interface ProposalSpec {
  mutation_id?: string;
  goal?: string;
  phase?: string;
  changed_paths?: string[];
  expected_checks?: { name: string; command: string; args?: string[]; timeout_seconds?: number }[];
  patch?: string;
  inline?: boolean;
  extra?: Record<string, unknown>;
}

/** Writes `proposal.json` (and `patch.diff` unless inline) into a new directory outside any genome. */
export function writeProposal(spec: ProposalSpec, dir = join(tempDir('aos-proposal-'), spec.mutation_id ?? 'mut-test')): string {
  mkdirSync(dir, { recursive: true });
  const proposal: Record<string, unknown> = {
    schema_version: '0.1.0',
    mutation_id: spec.mutation_id ?? 'mut-test',
    goal: spec.goal ?? 'test goal',
    phase: spec.phase ?? 'P1',
    changed_paths: spec.changed_paths ?? [],
    expected_checks: spec.expected_checks ?? [],
    ...spec.extra,
  };
  if (spec.patch !== undefined) {
    if (spec.inline) proposal.patch = spec.patch;
    else {
      writeFileSync(join(dir, 'patch.diff'), spec.patch);
      proposal.patch_path = 'patch.diff';
    }
  }
  const file = join(dir, 'proposal.json');
  writeFileSync(file, `${JSON.stringify(proposal, null, 2)}\n`);
  return file;
}

/** A proposal that edits README.md of the fixture genome (to `text`). */
export function readmeProposal(root: string, spec: ProposalSpec = {}, text = 'Fixture genome, changed.\n'): string {
  const { patch } = makePatch(root, (w) => writeFileSync(join(w, 'README.md'), text));
  return writeProposal({ changed_paths: ['README.md'], patch, ...spec });
}

/** Runs the built mutation-runner with a memory dir outside the genome unless one is given. */
export function runner(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  return runCli('mutation-runner', args, opts);
}

export function memoryDir(): string {
  return join(tempDir('aos-memory-'), 'memory');
}

/** JSONL records of a ledger. */
export function ledger(file: string): any[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** Every file under `dir` (including .git): path -> kind, mode and content digest or link target. */
export function treeSnapshot(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const p = join(dir, r);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out[r] = `link:${readlinkSync(p)}`;
      else if (st.isDirectory()) {
        out[`${r}/`] = `dir:${(st.mode & 0o777).toString(8)}`;
        walk(r);
      } else out[r] = `file:${(st.mode & 0o777).toString(8)}:${st.mtimeMs}:${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk('');
  return out;
}

/** The live repository state a gate must never change. */
export function repoSnapshot(root: string): { tree: Record<string, string>; refs: string; worktrees: string; status: string } {
  return {
    tree: treeSnapshot(root, (r) => r === 'memory'),
    refs: git(root, ['for-each-ref']),
    worktrees: git(root, ['worktree', 'list', '--porcelain']),
    status: git(root, ['--no-optional-locks', 'status', '--porcelain=v1', '--untracked-files=all']),
  };
}

/** The candidate directories left in a work dir (with --keep-worktree). */
export function keptCandidates(workDir: string): string[] {
  return readdirSync(workDir)
    .filter((n) => n.startsWith('autopoietic-mutation-'))
    .map((n) => join(workDir, n, 'genome'));
}
