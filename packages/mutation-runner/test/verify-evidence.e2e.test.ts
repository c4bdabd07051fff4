// The P1 evidence-bundle sidecar through the CLI: written and schema-valid when safe, refused
// BEFORE any work (exit 2, nothing journaled) when it would overwrite, alias or hard-link a
// journal or input, pass through a symlink, or land inside the candidate. The reference only
// warned and carried on; docs/verify.md records the change.
import { existsSync, linkSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceBundle } from '@autopoietic/core/schemas';
import { tempDir } from '../../../tests/support/tmp.js';
import { fixtureGenome, ledger, memoryDir, readmeProposal, runner } from './support.js';

function verify(root: string, proposal: string, extra: string[], opts: { mem?: string; cwd?: string } = {}) {
  const mem = opts.mem ?? memoryDir();
  const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem, ...extra], opts.cwd ? { cwd: opts.cwd } : {});
  return { ...r, mem, journal: join(mem, 'mutation-results.jsonl') };
}

describe('verify --evidence-bundle', () => {
  it('writes a schema-valid P1 bundle with the proposal, patch and check-list inputs', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const bundlePath = join(root, 'memory', 'evidence', 'p1.json');
    const r = verify(root, proposal, ['--evidence-bundle', bundlePath]);
    expect(r.code, r.stderr).toBe(0);
    const bundle = EvidenceBundle.parse(JSON.parse(readFileSync(bundlePath, 'utf8')));
    const record = r.json();
    expect(bundle.bundle_id).toBe(`evidence:${record.verification_id}`);
    expect(bundle.claims?.[0]?.claim).toBe('mutation verified');
    expect(bundle.subject.root_fingerprint).toBe(record.root_fingerprint);
    const kinds = bundle.inputs!.map((i) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['mutation-verification-record', 'proposal-file', 'patch', 'check-list']));
    for (const input of bundle.inputs!) expect(input.provenance.digest.algorithm).toBe('sha256');
    expect(readFileSync(bundlePath, 'utf8').endsWith('\n')).toBe(true);
  });

  it('prints the journaled record when the bundle path was taken during the run, then fails on the bundle (it printed no record)', () => {
    const root = fixtureGenome();
    const bundlePath = join(tempDir(), 'p1.json');
    // Another writer takes the path after verify's check before any work: here, an operator check.
    const policy = join(tempDir(), 'policy.json');
    writeFileSync(policy, JSON.stringify({ operator_checks: [{ name: 'race', command: 'sh', args: ['-c', `echo taken > '${bundlePath}'`] }] }));
    const r = verify(root, readmeProposal(root), ['--evidence-bundle', bundlePath, '--policy', policy]);
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('verified');
    expect(ledger(r.journal)).toEqual([record]);
    expect(r.stderr).toMatch(/^error\[sidecar-refused\]: .*p1\.json.*it changed while the command ran/m);
    expect(readFileSync(bundlePath, 'utf8')).toBe('taken\n'); // never overwritten
  });

  it('refuses to overwrite the journal before any work: exit 2, journal unchanged', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const first = verify(root, proposal, []);
    const before = readFileSync(first.journal);
    const r = verify(root, proposal, ['--evidence-bundle', first.journal], { mem: first.mem });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[sidecar-refused]');
    expect(r.stdout).toBe('');
    expect(readFileSync(first.journal)).toEqual(before);
  });

  it('refuses a sidecar path through a symlink, and a symlinked alias of the journal', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const first = verify(root, proposal, []);
    const dir = tempDir();
    symlinkSync(first.mem, join(dir, 'mem-link'));
    const viaLink = verify(root, proposal, ['--evidence-bundle', join(dir, 'mem-link', 'mutation-results.jsonl')], { mem: first.mem });
    expect(viaLink.code).toBe(2);
    const other = join(dir, 'elsewhere');
    mkdirSync(other);
    symlinkSync(other, join(dir, 'out'));
    const through = verify(root, proposal, ['--evidence-bundle', join(dir, 'out', 'bundle.json')], { mem: first.mem });
    expect(through.code).toBe(2);
    expect(through.stderr).toContain('traverses a symlink');
    expect(ledger(first.journal)).toHaveLength(1); // still a JSONL ledger of one record, not a bundle
  });

  it('refuses a normalized path that resolves to a symlink, and writes a lexically normalized safe one', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const cwd = tempDir();
    symlinkSync(tempDir(), join(cwd, 'bundle.json'));
    const bad = verify(root, proposal, ['--evidence-bundle', 'missing/../bundle.json'], { cwd });
    expect(bad.code).toBe(2);
    mkdirSync(join(cwd, 'safe'));
    symlinkSync(join(cwd, 'safe'), join(cwd, 'link'));
    const good = verify(root, proposal, ['--evidence-bundle', 'link/../safe/b.json'], { cwd });
    expect(good.code, good.stderr).toBe(0);
    expect(existsSync(join(cwd, 'safe', 'b.json'))).toBe(true);
  });

  it('refuses a hard link of the journal', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const first = verify(root, proposal, []);
    const hard = join(tempDir(), 'hard.json');
    linkSync(first.journal, hard);
    const r = verify(root, proposal, ['--evidence-bundle', hard], { mem: first.mem });
    expect(r.code).toBe(2);
    expect(ledger(first.journal)).toHaveLength(1);
  });

  it('refuses an existing file, the proposal itself, and a path under the journal (nothing created)', () => {
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const existing = join(tempDir(), 'x.json');
    writeFileSync(existing, '{}');
    expect(verify(root, proposal, ['--evidence-bundle', existing]).code).toBe(2);
    expect(verify(root, proposal, ['--evidence-bundle', proposal]).stderr).toContain('must not overwrite input source');
    const mem = memoryDir();
    expect(verify(root, proposal, ['--evidence-bundle', join(mem, 'mutation-results.jsonl', 'nested.json')], { mem }).code).toBe(2);
    expect(existsSync(join(mem, 'mutation-results.jsonl'))).toBe(false);
  });
});
