import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestCanonical, sha256 } from '@autopoietic/core/canonical';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { planInstall } from '../src/gates/install/plan.js';
import { FIXTURE_PLAN, writeEvidence } from './fixtures/install/evidence.js';

// install-verify through the built bin (design inventory 3.7 and 6.5).

interface SeedFile {
  installed_path: string;
  target_path: string;
  content: string;
  content_sha256: string;
  mode?: string;
}

/** A plan for `<dir>/target` written to `<dir>/plan.json`. */
async function makePlan(dir: string, targetName = 'target') {
  const ev = await writeEvidence(join(dir, 'memory'));
  const target = join(dir, targetName);
  // Built in-process to keep the test fast; install-plan's own CLI is covered in install-plan.e2e.
  const plan = await planInstall({ ...FIXTURE_PLAN, memoryDir: ev.memory, targetRoot: target, record: false, etcDir: join(dir, 'no-etc'), cwd: dir });
  const planFile = join(dir, 'plan.json');
  writeFileSync(planFile, `${JSON.stringify(plan, null, 2)}\n`);
  return { ev, target, planFile, plan: JSON.parse(readFileSync(planFile, 'utf8')), files: plan.seed_manifest.files as SeedFile[] };
}

/** Writes every seed file by hand with the plan's mode, whatever the umask (this test exercises install-verify, not install-apply). */
function writeSeeds(files: SeedFile[]): void {
  for (const f of files) {
    mkdirSync(dirname(f.target_path), { recursive: true });
    writeFileSync(f.target_path, f.content);
    chmodSync(f.target_path, Number.parseInt(f.mode ?? '0644', 8));
  }
}

const uid = process.getuid!();
/** Who may own the seeds of a target root this test made: root, and this user (its owner). */
const ALLOWED = uid === 0 ? [0] : [0, uid];

function verify(dir: string, planFile: string, extra: string[] = []) {
  return runCli('mutation-runner', ['install-verify', '--plan', planFile, ...extra], { cwd: dir });
}

describe('install-verify: per-file reports', () => {
  it('succeeds when every seed file and the lineage record match', async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    writeSeeds(files);
    const r = verify(dir, planFile);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.all_matched).toBe(true);
    expect(out.files.map((f: { status: string }) => f.status)).toEqual(Array(5).fill('matched'));
    expect(out.files[0]).toMatchObject({ reason: 'content hash and mode 0644 matched', expected_mode: '0644', actual_mode: '0644' });
    expect(out.lineage.status).toBe('matched');
  });

  // It said "content hash matched" and exited 0: anyone could rewrite the seed, and verify vouched for it.
  it('reports a file with the planned content but another mode as mismatched, naming both modes (exit 1)', async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    writeSeeds(files);
    chmodSync(files[0]!.target_path, 0o666);
    const r = verify(dir, planFile);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('install seed verification failed');
    const out = r.json();
    expect(out.all_matched).toBe(false);
    expect(out.files[0]).toEqual({
      installed_path: files[0]!.installed_path,
      target_path: files[0]!.target_path,
      expected_sha256: files[0]!.content_sha256,
      actual_sha256: files[0]!.content_sha256,
      expected_mode: '0644',
      actual_mode: '0666',
      allowed_uids: ALLOWED,
      actual_uid: uid,
      status: 'mismatched',
      reason: "content hash matched, but mode 0666 differs from the manifest's 0644",
    });
    expect(out.files.slice(1).map((f: { status: string }) => f.status)).toEqual(Array(4).fill('matched'));
  });

  // It said "content hash and mode 0644 matched": the owner could rewrite the seed, and the installed
  // tools would refuse a host policy that another user owns (host-policy-untrusted, ADR 0020).
  it("judges each seed file's owner: root and the target root's owner may own it, no one else (exit 1)", async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    writeSeeds(files);
    const ok = verify(dir, planFile);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json().files.map((f: { actual_uid: number; allowed_uids: number[] }) => [f.actual_uid, f.allowed_uids])).toEqual(Array(5).fill([uid, ALLOWED]));
    if (uid !== 0) return; // only root can give a file to another user; the rule itself is unit-tested (seed-owner.test.ts)
    chownSync(files[0]!.target_path, 65534, 65534);
    const r = verify(dir, planFile);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('install seed verification failed');
    const out = r.json();
    expect(out.files[0]).toMatchObject({
      status: 'mismatched',
      actual_uid: 65534,
      allowed_uids: [0],
      reason: `content hash matched, but it is owned by uid 65534, not by root, which owns the target root: that user can rewrite it (give it to root: chown root '${files[0]!.target_path}')`,
    });
    expect(out.files.slice(1).map((f: { status: string }) => f.status)).toEqual(Array(4).fill('matched'));
  });

  it('compares content only for a manifest without modes', async () => {
    const dir = tempDir();
    const { planFile, plan, files } = await makePlan(dir);
    for (const f of plan.seed_manifest.files) delete f.mode;
    writeFileSync(planFile, JSON.stringify(plan));
    writeSeeds(files);
    chmodSync(files[0]!.target_path, 0o666);
    const r = verify(dir, planFile);
    expect(r.code, r.stderr).toBe(0);
    const f = r.json().files[0];
    expect(f).toMatchObject({ status: 'matched', reason: 'content hash matched' });
    expect(f).not.toHaveProperty('expected_mode');
    expect(f).not.toHaveProperty('actual_mode');
  });

  it('reports missing files and exits 1', async () => {
    const dir = tempDir();
    const { planFile } = await makePlan(dir);
    const r = verify(dir, planFile);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('install seed verification failed');
    const out = r.json();
    expect(out.all_matched).toBe(false);
    expect(out.files[0]).toMatchObject({ status: 'missing', reason: 'target file is missing' });
    expect(out.lineage.status).toBe('missing');
  });

  it('reports mismatched content with the actual hash', async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    writeSeeds(files);
    writeFileSync(files[0]!.target_path, '{"host":"other"}');
    const out = verify(dir, planFile).json();
    expect(out.files[0]).toMatchObject({ status: 'mismatched', actual_sha256: sha256('{"host":"other"}'), reason: 'content hash did not match install seed manifest' });
  });

  it('reports an error for a non-regular target path', async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    mkdirSync(files[0]!.target_path, { recursive: true });
    expect(verify(dir, planFile).json().files[0].reason).toContain('not a regular seed file');
  });

  it('reports an error for a symlink that leaves the target root', async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    writeSeeds(files);
    const outside = join(dir, 'outside.json');
    writeFileSync(outside, files[0]!.content);
    rmSync(files[0]!.target_path);
    symlinkSync('../../../outside.json', files[0]!.target_path);
    const f = verify(dir, planFile).json().files[0];
    expect(f.status).toBe('error');
    expect(f.reason).toContain('symlink');
  });

  it('follows a symlink that stays in the target root (NixOS etc/static) and reports where it led', async () => {
    const dir = tempDir();
    const { planFile, files, target } = await makePlan(dir);
    writeSeeds(files);
    const store = join(target, 'nix/store/0000-etc/etc/autopoietic');
    mkdirSync(store, { recursive: true });
    writeFileSync(join(store, 'identity.json'), files[0]!.content);
    symlinkSync('/nix/store/0000-etc/etc', join(target, 'etc/static'));
    rmSync(files[0]!.target_path);
    symlinkSync('/etc/static/autopoietic/identity.json', files[0]!.target_path);
    // The store is read-only (0444): fewer bits than the manifest's 0644 pass through such a link, more do not.
    chmodSync(join(store, 'identity.json'), 0o444);
    const r = verify(dir, planFile);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().files[0]).toMatchObject({
      status: 'matched',
      resolved_path: join(store, 'identity.json'),
      actual_mode: '0444',
      reason: "content hash matched (through a symlink inside the target root); mode 0444 grants nothing beyond the manifest's 0644",
    });
    chmodSync(join(store, 'identity.json'), 0o664);
    const writable = verify(dir, planFile);
    expect(writable.code).toBe(1);
    expect(writable.json().files[0]).toMatchObject({ status: 'mismatched', reason: "content hash matched (through a symlink inside the target root), but mode 0664 differs from the manifest's 0644" });
  });

  it('resolves a target root that is itself reached through a symlink (a /tmp behind a link)', async () => {
    const dir = tempDir();
    const { planFile, files, target } = await makePlan(dir, 'link-to-target');
    mkdirSync(join(dir, 'real-target'));
    symlinkSync(join(dir, 'real-target'), target);
    writeSeeds(files);
    const r = verify(dir, planFile);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'real-target/etc/autopoietic/identity.json'), 'utf8')).toBe(files[0]!.content);
  });

  it('reports a lineage ledger that lacks the planned generation', async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    writeSeeds(files);
    const lineage = files[3]!;
    writeFileSync(lineage.target_path, lineage.content.replace('"gen-parent"', '"gen-other"'));
    const out = verify(dir, planFile).json();
    expect(out.files[3].status).toBe('mismatched');
    expect(out.lineage.status).toBe('mismatched');
  });
});

describe('install-verify: manifest validation happens before any report', () => {
  const cases: [string, (p: any) => void, string][] = [
    ['an empty manifest', (p) => (p.seed_manifest.files = []), 'no files'],
    ['an unsupported schema version', (p) => (p.seed_manifest.schema_version = '0.2.0'), 'schema_version'],
    ['a malformed hash', (p) => (p.seed_manifest.files[0].content_sha256 = 'sha256:XYZ'), 'content_sha256'],
    ['a relative installed path', (p) => (p.seed_manifest.files[0].installed_path = 'etc/x'), 'must be an absolute path'],
    ['parent components', (p) => (p.seed_manifest.files[0].installed_path = '/etc/../x'), 'parent components'],
    ['a relative target path', (p) => (p.seed_manifest.files[0].target_path = 'target/etc/autopoietic/identity.json'), 'must be absolute'],
    ['a target path outside the root', (p) => (p.seed_manifest.files[0].target_path = '/elsewhere/identity.json'), 'outside the target root'],
    ['a target path that does not match', (p) => (p.seed_manifest.files[0].target_path = `${p.seed_manifest.target_root}/etc/other.json`), 'does not match target_root + installed_path'],
    ['content that does not match its hash', (p) => (p.seed_manifest.files[1].content += 'x'), 'does not match its content_sha256'],
  ];
  it.each(cases)('rejects %s (exit 2, nothing printed)', async (_name, edit, message) => {
    const dir = tempDir();
    const { planFile, plan } = await makePlan(dir);
    edit(plan);
    writeFileSync(planFile, JSON.stringify(plan));
    const r = verify(dir, planFile);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  // It said "cannot read plan file …: ENOENT".
  it('names a plan file that does not exist in words (exit 2)', () => {
    const dir = tempDir();
    const r = verify(dir, join(dir, 'plan.json'));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[plan-unreadable]: cannot read plan file ${join(dir, 'plan.json')}: no such file (ENOENT): check the path\n`);
  });
});

describe('install-verify: evidence sidecar', () => {
  it('writes an install-verify evidence bundle', async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    writeSeeds(files);
    const bundlePath = join(dir, 'verify-bundle.json');
    expect(verify(dir, planFile, ['--evidence-bundle', bundlePath]).code).toBe(0);
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
    expect(bundle.observations[0].raw_ref.source).toBe('mutation-runner install-verify output');
    expect(bundle.claims[0].claim).toBe('seed files verified');
    // The plan it checked is an input: its canonical digest, the install-plan bundle's record digest.
    const planRef = bundle.inputs.find((i: { input_id: string }) => i.input_id.endsWith(':plan')).provenance;
    expect(planRef).toMatchObject({ kind: 'install-plan-output', source: planFile });
    expect(planRef.digest.value).toBe(digestCanonical(JSON.parse(readFileSync(planFile, 'utf8'))));
  });

  it('refuses the plan file as sidecar; the plan still parses', async () => {
    const dir = tempDir();
    const { planFile } = await makePlan(dir);
    const r = verify(dir, planFile, ['--evidence-bundle', planFile]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(() => JSON.parse(readFileSync(planFile, 'utf8'))).not.toThrow();
  });

  it('refuses a sidecar inside the target root', async () => {
    const dir = tempDir();
    const { planFile, target } = await makePlan(dir);
    const r = verify(dir, planFile, ['--evidence-bundle', join(target, 'bundle.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('inside the target root');
  });
});

describe('install-verify: --output keeps the report', () => {
  it('writes the report to the file instead of stdout, replacing what was there, and the bundle cites that file', async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    writeSeeds(files);
    const output = join(dir, 'reports', 'install-verify.json');
    mkdirSync(dirname(output));
    writeFileSync(output, 'an older report\n');
    const bundlePath = join(dir, 'verify-bundle.json');
    const r = verify(dir, planFile, ['--output', 'reports/install-verify.json', '--evidence-bundle', bundlePath]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const kept = JSON.parse(readFileSync(output, 'utf8'));
    expect(kept).toMatchObject({ all_matched: true, lineage: { status: 'matched' } });
    expect(readdirSync(dirname(output))).toEqual(['install-verify.json']); // no temp file left
    const { verified_at: _, ...stdoutReport } = verify(dir, planFile).json();
    const { verified_at: __, ...fileReport } = kept;
    expect(fileReport).toEqual(stdoutReport);
    // The bundle's input is the kept file: an auditor digests it again (canonical JSON).
    const raw = JSON.parse(readFileSync(bundlePath, 'utf8')).observations[0].raw_ref;
    expect(raw).toMatchObject({ kind: 'install-verify-output', source: output });
    expect(raw.digest.value).toBe(digestCanonical(kept));
  });

  it('keeps a failing report too, then exits 1', async () => {
    const dir = tempDir();
    const { planFile } = await makePlan(dir);
    const output = join(dir, 'install-verify.json');
    const r = verify(dir, planFile, ['--output', output]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('install seed verification failed');
    expect(JSON.parse(readFileSync(output, 'utf8'))).toMatchObject({ all_matched: false, lineage: { status: 'missing' } });
  });

  it('refuses the plan, a path inside the target root, a ledger, a directory and the bundle path before any work (exit 2, nothing written)', async () => {
    const dir = tempDir();
    const { planFile, target, files } = await makePlan(dir);
    writeSeeds(files);
    const planText = readFileSync(planFile, 'utf8');
    const refused = (args: string[], code: string) => {
      const r = verify(dir, planFile, args);
      expect([r.code, r.stdout], r.stderr).toEqual([2, '']);
      expect(r.stderr).toContain(`error[${code}]`);
      return r;
    };
    expect(refused(['--output', planFile], 'output-is-input').stderr).toContain(`--output ${planFile} is the plan ${planFile}`);
    symlinkSync(planFile, join(dir, 'plan-link.json'));
    refused(['--output', 'plan-link.json'], 'output-is-input');
    expect(readFileSync(planFile, 'utf8')).toBe(planText);
    const inTarget = join(target, 'etc', 'install-verify.json');
    expect(refused(['--output', inTarget], 'output-in-target-root').stderr).toContain(`inside the target root ${target}`);
    expect(existsSync(inTarget)).toBe(false);
    refused(['--output', join(dir, 'memory', 'generations.jsonl')], 'output-is-ledger');
    refused(['--output', dir], 'output-is-directory');
    const both = join(dir, 'both.json');
    refused(['--output', both, '--evidence-bundle', both], 'sidecar-refused');
    expect(existsSync(both)).toBe(false);
  });

  // It checked the whole target, then failed to make the directory: exit 1 (mkdir-failed).
  it('refuses an --output under a regular file before any work (exit 2); missing directories are still made', async () => {
    const dir = tempDir();
    const { planFile, files } = await makePlan(dir);
    writeSeeds(files);
    writeFileSync(join(dir, 'reports'), 'a file, not a directory\n');
    const bundle = join(dir, 'bundle.json');
    const r = verify(dir, planFile, ['--output', 'reports/install-verify.json', '--evidence-bundle', bundle]);
    expect([r.code, r.stdout], r.stderr).toEqual([2, '']);
    const output = join(dir, 'reports', 'install-verify.json');
    expect(r.stderr).toContain(`error[output-parent-not-directory]: --output ${output}: ${join(dir, 'reports')} is not a directory, so no file can be made under it\n`);
    expect(r.stderr).toContain(`hint: Move ${join(dir, 'reports')} out of the way, or write to a file in a directory, e.g. --output install-verify.json.\n`);
    expect(existsSync(bundle)).toBe(false); // refused before the sidecar too
    const made = verify(dir, planFile, ['--output', 'new/deeper/install-verify.json']);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'new/deeper/install-verify.json'), 'utf8')).all_matched).toBe(true);
  });
});
