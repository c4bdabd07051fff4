// `mutation-journal evidence check` on P3 bundles written by the real install-plan and
// install-verify: the P2 and P1 records they cite are re-derived from the ledgers; install-plan's
// output is checked when the caller kept the plan (--output), and install-verify's output is
// re-derived from the file it kept with --output, or else, kept nowhere, is unverifiable, never
// matched, while the plan file it cites is re-derived.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planArgs, writeEvidence } from '../packages/mutation-runner/test/fixtures/install/evidence.js';
import { runCli, type CliResult } from './support/cli.js';
import { tempDir } from './support/tmp.js';

const check = (bundle: string, extra: string[] = []) => runCli('mutation-journal', ['evidence', 'check', bundle, ...extra]);
const report = (r: CliResult) => r.json() as { status: string; inputs: { id: string; status: string; reason: string }[]; parts: { id: string; status: string }[] };
const statuses = (r: CliResult) => Object.fromEntries(report(r).inputs.map((i) => [i.id.slice(i.id.lastIndexOf(':') + 1), i.status]));

async function planned() {
  const dir = tempDir('aos-evidence-p3-');
  const ev = await writeEvidence(join(dir, 'memory'));
  const planBundle = join(dir, 'plan-bundle.json');
  const plan = runCli('mutation-runner', planArgs(ev, join(dir, 'target'), ['--evidence-bundle', planBundle]), { cwd: dir });
  expect(plan.code, plan.stderr).toBe(0);
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, plan.stdout);
  return { dir, ev, planBundle, planFile };
}

describe('evidence check: P3 bundles', () => {
  it('install-plan: the P2 and P1 lines match; the plan is unverifiable without --output and matches with it', async () => {
    const { planBundle, planFile } = await planned();
    const blind = check(planBundle);
    expect(blind.code, blind.stderr).toBe(0);
    expect(report(blind).status).toBe('partly-unverifiable');
    expect(statuses(blind)).toEqual({ record: 'unverifiable', promotion: 'matched', verification: 'matched' });
    expect(report(blind).parts.every((p) => p.status === 'unverifiable')).toBe(true);
    const seen = check(planBundle, ['--output', planFile]);
    expect(seen.code, seen.stderr).toBe(0);
    expect(report(seen).status).toBe('matched');
  });

  it('install-plan: a P2 line edited since the plan differs', async () => {
    const { ev, planBundle } = await planned();
    const file = ev.promotions;
    writeFileSync(file, readFileSync(file, 'utf8').replace('"target_configuration":"', '"target_configuration":"x'));
    const r = check(planBundle);
    expect(r.code).toBe(1);
    expect(statuses(r)).toMatchObject({ promotion: 'differs', verification: 'matched' });
  });

  it('install-verify: its output is kept nowhere (unverifiable, with the reason); the plan file it cites is re-derived', async () => {
    const { dir, planFile } = await planned();
    const bundle = join(dir, 'verify-bundle.json');
    runCli('mutation-runner', ['install-verify', '--plan', planFile, '--evidence-bundle', bundle], { cwd: dir });
    const r = check(bundle);
    expect(r.code, r.stderr).toBe(0);
    expect(statuses(r)).toEqual({ record: 'unverifiable', plan: 'matched' });
    expect(report(r).inputs[0]!.reason).toMatch(/kept nowhere; run install-verify again/);
    writeFileSync(planFile, readFileSync(planFile, 'utf8').replace('gen-child', 'gen-other'));
    const edited = check(bundle);
    expect(edited.code).toBe(1);
    expect(statuses(edited)).toEqual({ record: 'unverifiable', plan: 'differs' });
  });

  it('install-verify --output: the bundle names the kept report, which is re-derived (matched; edited, it differs)', async () => {
    const { dir, planFile } = await planned();
    const bundle = join(dir, 'verify-bundle.json');
    const kept = join(dir, 'install-verify.json');
    const v = runCli('mutation-runner', ['install-verify', '--plan', planFile, '--output', kept, '--evidence-bundle', bundle], { cwd: dir });
    expect(v.code).toBe(1); // nothing was installed: the report says so, and is kept all the same
    const r = check(bundle);
    expect(r.code, r.stderr).toBe(0);
    expect(report(r).status).toBe('matched');
    expect(statuses(r)).toEqual({ record: 'matched', plan: 'matched' });
    // A moved report: missing where the bundle names it, matched when its copy is given.
    const moved = join(tempDir(), 'moved-report.json');
    renameSync(kept, moved);
    expect(statuses(check(bundle))).toEqual({ record: 'missing', plan: 'matched' });
    const copy = check(bundle, ['--output', moved]);
    expect(copy.code, copy.stderr).toBe(0);
    expect(statuses(copy)).toEqual({ record: 'matched', plan: 'matched' });
    expect(report(copy).inputs.find((i) => i.id.endsWith(':record'))).toMatchObject({ status: 'matched', read_from: moved });
    writeFileSync(moved, readFileSync(moved, 'utf8').replace('"all_matched": false', '"all_matched": true'));
    const edited = check(bundle, ['--output', moved]);
    expect(edited.code).toBe(1);
    expect(statuses(edited)).toEqual({ record: 'differs', plan: 'matched' });
  });
});
