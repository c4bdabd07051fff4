// `pnpm demo` end to end: the demo script runs the built CLIs as processes, with real git and real
// Nix, on a scratch copy of the example genome; its JSON summary is asserted step by step.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceBundle } from '@autopoietic/core/schemas';
import { REPO_ROOT } from './support/cli.js';
import { testEnv } from './support/nix-env.js';
import { tempDir } from './support/tmp.js';
import { parseDemoArgs } from '../scripts/demo/options.js';
import { runDemo as runDemoInProcess } from '../scripts/demo/run.js';
import type { DemoSummary, StepResult } from '../scripts/demo/types.js';

const EXAMPLE = join(REPO_ROOT, 'examples', 'genome');
const DEMO_SCRIPT = 'demo.ts';

function runDemo(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', DEMO_SCRIPT), ...args], {
    cwd: REPO_ROOT,
    env: { ...testEnv(), ...env },
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function summaryOf(r: { code: number | null; stdout: string; stderr: string }): DemoSummary {
  try {
    return JSON.parse(r.stdout) as DemoSummary;
  } catch {
    throw new Error(`demo printed no JSON summary (exit ${r.code}):\n${r.stderr}`);
  }
}

function step(s: DemoSummary, n: number): StepResult {
  const found = s.steps.find((x) => x.n === n);
  if (!found) throw new Error(`no step ${n}`);
  // On failure, show the whole step: its reason carries the CLI's error and hint.
  expect(found.outcome, JSON.stringify(found, null, 2)).toBe('ok');
  return found;
}

/** Paths and sizes of every file under `dir`: what "leaves nothing behind" is checked against. */
function listing(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(REPO_ROOT, p)}:${statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

describe('pnpm demo', () => {
  it('runs every gate on the example genome and reports each step', { timeout: 600_000 }, () => {
    // The demo must leave nothing in the repository. Other tests may run at the same time, so the
    // repository's memory/ is searched for this run's scratch path rather than compared whole.
    const watched = () => [...listing(EXAMPLE), ...listing(join(REPO_ROOT, '.demo'))];
    const before = watched();
    const r = runDemo(['--json', '--keep']);
    const s = summaryOf(r);
    try {
      expect(s.steps.map((x) => `${x.n} ${x.phase}`)).toEqual(['1 P0', '2 P1', '3 P2', '4 P3', '5 P3', '6 P3', '7 P4', '8 ledgers', '9 evidence']);

      expect(step(s, 1).reason).toContain('host seed-01');

      const verify = step(s, 2);
      const byLabel = Object.fromEntries(verify.items.map((i) => [i.label, i]));
      expect(verify.status).toBe('verified, rejected, rejected');
      expect(byLabel['mut-example-motd']).toMatchObject({ ok: true, status: 'verified' });
      expect(byLabel['mut-example-mode-live']).toMatchObject({ ok: true, status: 'rejected' });
      expect(byLabel['mut-example-mode-live']!.reason).toContain('this genome allows at most mutate-vm');
      expect(byLabel['mut-example-symlink-escape']).toMatchObject({ ok: true, status: 'rejected' });
      expect(byLabel['mut-example-symlink-escape']!.reason).toMatch(/symlink/i);
      expect(byLabel['live genome unchanged']).toMatchObject({ ok: true, status: 'holds' });
      expect(byLabel['nothing left outside the candidates']).toMatchObject({ ok: true, status: 'holds' });

      const promote = step(s, 3);
      expect(promote.status).toBe('promoted');
      expect(promote.reason).toContain('vm-check:seed-smoke passed');

      const plan = step(s, 4);
      expect(plan.status).toBe('planned');
      expect(plan.items.map((i) => i.label)).toEqual(['dry run', 'lineage recorded as planned', 'identity seed from the genome']);

      const apply = step(s, 5);
      expect(apply.status).toBe('applied');
      expect(apply.items.find((i) => i.label === 'refused in observe-only')?.ok).toBe(true);

      expect(step(s, 6).status).toBe('all-matched');

      const organs = step(s, 7);
      expect(organs.reason).toMatch(/suggest: .*motd/);

      const ledgers = step(s, 8);
      expect(ledgers.items.map((i) => i.label)).toEqual(
        expect.arrayContaining(['effects.jsonl', 'generations.jsonl', 'mutation-promotions.jsonl', 'mutation-results.jsonl', 'organs.jsonl']),
      );
      expect(ledgers.items.every((i) => i.status === 'ok')).toBe(true);

      // Every bundle is re-derived from what it cites (the install-verify report and the organ
      // outputs were kept for it), not only schema-valid.
      const checked = step(s, 9);
      const bundleNames = s.evidence.filter((e) => e.startsWith(join(s.memory_dir, 'evidence'))).map((e) => basename(e));
      expect(checked.items.map((i) => i.label).sort()).toEqual([...bundleNames].sort());
      expect(checked.items.map((i) => i.status)).toEqual(bundleNames.map(() => 'matched'));
      expect(checked.status).toBe('matched');

      expect(s.ok).toBe(true);
      expect(r.code).toBe(0);
      // The readable summary went to stderr (stdout carries the JSON) and ends with the paths.
      expect(r.stderr).toContain(`Memory directory: ${s.memory_dir}`);
      expect(r.stderr).toContain('All 9 steps did what they should');

      // Every evidence bundle named in the summary exists, with --keep, and is schema-valid.
      const bundles = s.evidence.filter((e) => e.startsWith(join(s.memory_dir, 'evidence')));
      expect(bundles.length).toBeGreaterThanOrEqual(7);
      for (const b of bundles) EvidenceBundle.parse(JSON.parse(readFileSync(b, 'utf8')));
    } finally {
      rmSync(s.scratch_dir, { recursive: true, force: true });
    }
    expect(watched()).toEqual(before);
    const repoMemory = join(REPO_ROOT, 'memory');
    for (const f of readdirSync(repoMemory).filter((n) => n.endsWith('.jsonl'))) {
      expect(readFileSync(join(repoMemory, f), 'utf8')).not.toContain(s.scratch_dir);
    }
  });

  it('runs a user genome with one proposal given by path, and removes its scratch dir', { timeout: 600_000 }, () => {
    // A genome that is not a git repository, and a proposal that lives outside it.
    const home = tempDir('aos-demo-user-');
    const genome = join(home, 'my-genome');
    cpSync(EXAMPLE, genome, { recursive: true });
    rmSync(join(genome, 'mutations'), { recursive: true });
    const proposalDir = join(home, 'proposals', 'motd');
    mkdirSync(proposalDir, { recursive: true });
    cpSync(join(EXAMPLE, 'mutations', 'pending', 'mut-example-motd'), proposalDir, { recursive: true });

    const r = runDemo(['--genome', genome, '--proposal', join(proposalDir, 'proposal.json'), '--json', '--clean']);
    const s = summaryOf(r);
    expect(step(s, 2).items.filter((i) => i.status === 'verified').map((i) => i.label)).toEqual(['mut-example-motd']);
    expect(step(s, 3).status).toBe('promoted');
    expect(step(s, 6).status).toBe('all-matched');
    expect(s.ok).toBe(true);
    expect(r.code).toBe(0);
    expect(existsSync(s.scratch_dir)).toBe(false);
  });

  it('fails clearly, with exit 2, on bad options', () => {
    let r = runDemo(['--genome', '/nonexistent/genome']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--genome /nonexistent/genome: not a directory');
    r = runDemo(['--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--frobnicate'");
    const noFlake = tempDir('aos-demo-bad-');
    writeFileSync(join(noFlake, 'README'), 'not a genome\n');
    r = runDemo(['--genome', noFlake]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no flake.nix there');
  });

  it('fails clearly when the CLIs are not built, and skips the steps that need an earlier one', () => {
    // The real orchestrator and scratch copy, pointed at a checkout with no built CLIs.
    const unbuilt = tempDir('aos-demo-unbuilt-');
    const lines: string[] = [];
    const opts = parseDemoArgs(['--clean'], REPO_ROOT);
    if (opts === 'help') throw new Error('unexpected help');
    expect(parseDemoArgs([], REPO_ROOT)).toMatchObject({ keep: true }); // kept by default, in the temp dir
    const s = runDemoInProcess(opts, unbuilt, (t) => lines.push(t));
    expect(s.ok).toBe(false);
    const outcome = Object.fromEntries(s.steps.map((x) => [x.n, x.outcome]));
    expect(outcome).toEqual({ 1: 'failed', 2: 'failed', 3: 'skipped', 4: 'skipped', 5: 'skipped', 6: 'skipped', 7: 'failed', 8: 'failed', 9: 'failed' });
    expect(s.steps[0]!.reason).toContain(`os-introspect is not built (${join(unbuilt, 'packages/os-introspect/dist/bin.js')} is missing)`);
    expect(s.steps[0]!.reason).toContain('hint: Run `pnpm build`');
    expect(s.steps[2]!.reason).toBe('no proposal that should verify was verified in step 2');
    expect(lines.join('\n')).toContain('9 of 9 steps did not do what they should');
    expect(existsSync(s.scratch_dir)).toBe(false);
  });
});

describe('demo in a system temp dir Nix cannot use', () => {
  it('refuses a TMPDIR whose path Nix cannot read as a flake before making anything, saying how to fix it', () => {
    const tmp = join(tempDir('aos demo tmp '), 'tëmp');
    mkdirSync(tmp);
    const r = runDemo(['--json'], { TMPDIR: tmp });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`the system temp dir ${tmp} ($TMPDIR): Nix cannot use a flake at a path containing ' ' and 'ë'`);
    expect(r.stderr).toContain('TMPDIR=/tmp');
    expect(readdirSync(tmp).filter((n) => n.startsWith('aos-demo-'))).toEqual([]); // (tsx keeps its own cache there)
  });
});
