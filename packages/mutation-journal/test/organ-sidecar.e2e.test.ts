import { EvidenceBundle } from '@autopoietic/core/schemas';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { journal, organLine, promotion, snapshot } from './organ-fixtures.js';

const withRegistry = async () => {
  const dir = tempDir();
  const mem = join(dir, 'memory');
  await organLine(mem, { organ_id: 'org-1', event: 'add', name: 'identity', related_goals: ['g'] });
  return { dir, mem, registry: join(mem, 'organs.jsonl') };
};
const refused = (r: { code: number; stdout: string; stderr: string }, text: string) => {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('error[sidecar-refused]');
  expect(r.stderr).toContain(text);
};

describe('P4 evidence bundle sidecars', () => {
  it('organ review writes a valid P4 bundle and leaves the registry unchanged', async () => {
    const { dir, mem } = await withRegistry();
    const before = snapshot(mem);
    const bundlePath = join(dir, 'evidence', 'review.json');
    const r = journal(['review', '--evidence-bundle', bundlePath], mem);
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(mem)).toEqual(before);
    const text = readFileSync(bundlePath, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    const bundle = EvidenceBundle.parse(JSON.parse(text));
    expect(bundle.phase).toBe('P4');
    expect(bundle.bundle_id).toBe(`evidence:organ-review:${r.json().reviewed_at}`);
    expect(bundle.claims?.[0]?.claim).toBe('organ decay review generated');
    expect(bundle.claims?.[0]?.limits.some((l) => l.includes('read-only'))).toBe(true);
    expect(bundle.canonical_facts?.some((f) => f.kind === 'status-groups')).toBe(true);
  });

  it('organ suggest writes a valid P4 bundle with the output limits', async () => {
    const { dir, mem } = await withRegistry();
    await promotion(mem, { id: 'pro-1', status: 'promoted', organs: ['new-organ'] });
    const bundlePath = join(dir, 'suggest.json');
    const r = journal(['suggest', '--evidence-bundle', bundlePath], mem);
    expect(r.code, r.stderr).toBe(0);
    const bundle = EvidenceBundle.parse(JSON.parse(readFileSync(bundlePath, 'utf8')));
    expect(bundle.claims?.[0]?.claim).toBe('organ registry suggestions generated');
    expect(bundle.claims?.[0]?.limits).toEqual(expect.arrayContaining(r.json().limits));
    expect(bundle.canonical_facts?.find((f) => f.kind === 'candidate-organs')?.value).toEqual([{ name: 'new-organ', observed_in: ['promotion:pro-1'] }]);
  });

  it('must not overwrite an input source', async () => {
    const { mem, registry } = await withRegistry();
    const before = snapshot(mem);
    refused(journal(['review', '--evidence-bundle', registry], mem), 'must not overwrite input source');
    refused(journal(['suggest', '--evidence-bundle', join(mem, 'mutation-promotions.jsonl')], mem), 'must not overwrite input source');
    expect(snapshot(mem)).toEqual(before);
  });

  it('rejects an absolute alias of a relative input', async () => {
    const { dir, mem, registry } = await withRegistry();
    const before = snapshot(mem);
    const r = runCli('mutation-journal', ['organ', 'review', '--path', 'memory/organs.jsonl', '--evidence-bundle', registry], { cwd: dir });
    refused(r, 'must not overwrite input source');
    // the same file reached through a symlinked directory is an alias too
    symlinkSync(mem, join(dir, 'mem-link'));
    const viaLink = runCli('mutation-journal', ['organ', 'suggest', '--registry', 'mem-link/organs.jsonl', '--evidence-bundle', registry], { cwd: dir });
    refused(viaLink, 'must not overwrite input source');
    expect(snapshot(mem)).toEqual(before);
  });

  it('does not follow an existing symlink at the sidecar path', async () => {
    const { dir, mem } = await withRegistry();
    const target = join(dir, 'elsewhere.json');
    writeFileSync(target, 'keep');
    symlinkSync(target, join(dir, 'bundle.json'));
    const before = snapshot(mem);
    refused(journal(['review', '--evidence-bundle', join(dir, 'bundle.json')], mem), 'symlink');
    expect(readFileSync(target, 'utf8')).toBe('keep');
    expect(snapshot(mem)).toEqual(before);
  });

  it('rejects a path under a missing input source and creates no directory', () => {
    const dir = tempDir();
    const mem = join(dir, 'memory');
    mkdirSync(mem);
    const nested = join(mem, 'organs.jsonl', 'bundle.json');
    refused(journal(['review', '--evidence-bundle', nested], mem), 'lies under input source');
    refused(journal(['suggest', '--evidence-bundle', join(mem, 'generations.jsonl', 'x.json')], mem), 'lies under input source');
    expect(existsSync(join(mem, 'organs.jsonl'))).toBe(false);
    expect(existsSync(join(mem, 'generations.jsonl'))).toBe(false);
  });

  it('never overwrites an existing file (create-new only)', async () => {
    const { dir, mem } = await withRegistry();
    const existing = join(dir, 'old-bundle.json');
    writeFileSync(existing, 'old');
    refused(journal(['suggest', '--evidence-bundle', existing], mem), 'already exists');
    expect(readFileSync(existing, 'utf8')).toBe('old');
  });
});
