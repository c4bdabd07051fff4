import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { digestCanonical, sha256 } from '@autopoietic/core/canonical';
import { verifyLedger, withLock } from '@autopoietic/core/ledger';
import { runCli } from '../../../tests/support/cli.js';
import { tempDir, writeTree } from '../../../tests/support/tmp.js';
import { mrAsync } from './fixtures/install/run.js';
import { check, FP, MUTATION, planArgs, policyDir, promotion, PROMOTION, verification, writeEvidence } from './fixtures/install/evidence.js';

// install-plan through the built bin, on ledgers written by the real ledger writer (design inventory 6.5).

function plan(cwd: string, args: string[], env: Record<string, string> = {}) {
  return runCli('mutation-runner', args, { cwd, env });
}

/** A failed plan prints nothing and journals nothing. */
function expectRefused(r: ReturnType<typeof plan>, code: number, message: string, generations: string): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain(message);
  expect(existsSync(generations)).toBe(false);
}

describe('install-plan: output and recording', () => {
  it('produces a dry-run plan: planned generation, five executable seed files, no journal write, nothing under the target', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const target = join(dir, 'target');
    const r = plan(dir, planArgs(ev, target));
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.generation).toMatchObject({
      lineage_status: 'planned',
      activation_result: 'planned-install',
      generation: 'gen-child',
      parent_generation: 'gen-parent',
      mutation_id: MUTATION,
      promotion_id: PROMOTION,
      verification_id: verification().verification_id,
      target_root: target,
      target_configuration: 'iso',
    });
    expect(out.generation.metadata).toMatchObject({ proposal_fingerprint: FP('a'), verified_root_fingerprint: FP('b'), promotion_root_fingerprint: FP('b') });
    const files = out.seed_manifest.files;
    expect(files).toHaveLength(5);
    expect(files.every((f: { content_sha256: string; content: string }) => f.content_sha256.startsWith('sha256:') && f.content.length > 0)).toBe(true);
    expect(files.map((f: { installed_path: string }) => f.installed_path)).toContain('/var/lib/autopoietic/generations.jsonl');
    expect(existsSync(ev.generations)).toBe(false);
    // seed_manifest_effects_are_planned_not_written
    for (const f of files) {
      expect(f.target_path.startsWith(`${target}/`)).toBe(true);
      expect(f.effect).toMatchObject({ type: 'planned-seed-file-write', target: f.target_path, verified_by: 'mutation-runner install-verify' });
    }
    expect(existsSync(target)).toBe(false);
  });

  it('--record appends the planned generation once; replanning gives identical seeds', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const first = plan(dir, planArgs(ev, join(dir, 'target'), ['--record']));
    expect(first.code, first.stderr).toBe(0);
    const journal = readFileSync(ev.generations, 'utf8');
    for (const s of ['gen-child', '"planned"', PROMOTION, 'planned-install']) expect(journal).toContain(s);
    const again = plan(dir, planArgs(ev, join(dir, 'target'), ['--record']));
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(ev.generations, 'utf8')).toBe(journal);
    const hashes = (r: typeof first) => r.json().seed_manifest.files.map((f: { content_sha256: string }) => f.content_sha256);
    expect(hashes(again)).toEqual(hashes(first));
    expect(again.json().generation).toEqual(first.json().generation);
    expect((await verifyLedger(ev.generations, 'generation')).status).toBe('ok');
  });

  it('--record run several times at once still appends the planned generation once', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const runs = await Promise.all(Array.from({ length: 4 }, () => mrAsync(dir, planArgs(ev, join(dir, 'target'), ['--record']))));
    expect(runs.map((r) => r.code), runs.map((r) => r.stderr).join('\n')).toEqual([0, 0, 0, 0]);
    expect(readFileSync(ev.generations, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('puts the seed ledgers in --installed-memory-dir, else in the host policy memory_dir', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const paths = (r: ReturnType<typeof plan>) => r.json().seed_manifest.files.map((f: { installed_path: string }) => f.installed_path);
    const flagged = plan(dir, planArgs(ev, '/mnt', ['--installed-memory-dir', '/persist/aos']));
    expect(paths(flagged).slice(1)).toEqual(['mutation-results', 'mutation-promotions', 'generations', 'effects'].map((n) => `/persist/aos/${n}.jsonl`));
    const etc = policyDir(join(dir, 'etc'), 'observe-only', { memory_dir: '/srv/autopoietic' });
    const fromPolicy = plan(dir, planArgs(ev, '/mnt'), { AUTOPOIETIC_ETC_DIR: etc });
    expect(fromPolicy.code, fromPolicy.stderr).toBe(0);
    expect(paths(fromPolicy)[1]).toBe('/srv/autopoietic/mutation-results.jsonl');
    expect(fromPolicy.json().generation.metadata.installed_memory_dir).toBe('/srv/autopoietic');
  });
});

describe('install-plan: identity seed', () => {
  // P2 reads the host from the genome it promoted (promote.e2e.test.ts); the plan takes it from
  // the promotion record, never from the live genome, which may have changed since.
  const genome = { 'flake.nix': '{ outputs = { self }: { }; }', 'hosts/iso/default.nix': '{ autopoietic.identity.host = "live-edit"; }' };

  it('uses the identity host the promotion recorded, whatever the live genome says now', async () => {
    const dir = tempDir();
    writeTree(join(dir, 'genome'), genome);
    const metadata = { identity_host: 'aion-01', identity_host_source: 'genome:hosts/aion/identity.nix:1' };
    const ev = await writeEvidence(join(dir, 'memory'), { promotions: [promotion({ target_configuration: 'iso', metadata })] });
    const r = plan(dir, planArgs(ev, '/mnt', ['--root', join(dir, 'genome')]));
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(JSON.parse(out.seed_manifest.files[0].content)).toEqual({ host: 'aion-01', roles: ['autopoietic', 'installed-seed'] });
    expect(out.generation.metadata).toMatchObject(metadata);
  });

  it('falls back to the configuration label, and says so, when the promotion recorded no host', async () => {
    const dir = tempDir();
    writeTree(join(dir, 'genome'), genome);
    const ev = await writeEvidence(join(dir, 'memory'));
    const r = plan(dir, planArgs(ev, '/mnt', ['--root', join(dir, 'genome')]), { AUTOPOIETIC_LOG_LEVEL: 'info' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.json().seed_manifest.files[0].content).host).toBe('iso');
    expect(r.json().generation.metadata.identity_host_source).toBe('fallback:target-configuration');
    expect(r.stderr).toContain('the promotion recorded no identity host');
  });
});

describe('install-plan: ledger integrity', () => {
  it.each(['promotions', 'results'] as const)('refuses evidence from a %s ledger whose hash chain is broken (an edited line)', async (which) => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'), {
      verifications: [verification(), verification({ verification_id: 'ver-other' })],
      promotions: [promotion(), promotion({ promotion_id: 'pro-other' })],
    });
    // Edit the first line: its successor's `prev` no longer matches (what `ledger verify` reports).
    const file = ev[which];
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[0] = lines[0]!.replace('"goal":"enable the seed organ"', '"goal":"enable the seed organ (edited)"');
    writeFileSync(file, lines.join('\n'));
    const r = plan(dir, planArgs(ev, join(dir, 'target'), ['--record']));
    expectRefused(r, 1, 'error[evidence-ledger-broken]', ev.generations);
    expect(r.stderr).toContain(`${file} fails its integrity check`);
    expect(r.stderr).toContain('mutation-journal ledger verify');
  });
});

describe('install-plan: selection', () => {
  const two = () => [promotion({ promotion_id: 'pro-one' }), promotion({ promotion_id: 'pro-two' })];

  it('rejects a mutation id that matches several promotions', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'), { promotions: two() });
    const args = ['install-plan', '--memory-dir', ev.memory, '--mutation-id', MUTATION, '--target-root', '/mnt', '--parent-generation', 'a', '--resulting-generation', 'b', '--record'];
    expectRefused(plan(dir, args), 1, 'multiple promotion records matched selector', ev.generations);
  });

  it('lets --promotion-id pick one of several promotions of the mutation', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'), { promotions: two() });
    const r = plan(dir, ['install-plan', '--memory-dir', ev.memory, '--mutation-id', MUTATION, '--promotion-id', 'pro-two', '--target-root', '/mnt', '--parent-generation', 'a', '--resulting-generation', 'b']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().seed_manifest.promotion_id).toBe('pro-two');
  });

  it('rejects a duplicated promotion id', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'), { promotions: [promotion(), promotion()] });
    expectRefused(plan(dir, planArgs(ev, '/mnt', ['--record'])), 1, `multiple promotion records matched selector promotion_id=${PROMOTION}`, ev.generations);
  });

  it('needs a selector (usage error)', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const r = plan(dir, ['install-plan', '--memory-dir', ev.memory, '--target-root', '/mnt', '--parent-generation', 'a', '--resulting-generation', 'b']);
    expectRefused(r, 2, '--promotion-id or --mutation-id', ev.generations);
  });

  // A blank id was a selector that matched nothing: exit 1, "no matching promotion evidence found
  // for promotion_id= ", as if the ledger lacked the promotion.
  it.each([
    ['--promotion-id', ['--promotion-id', ' ', '--mutation-id', MUTATION]],
    ['--mutation-id', ['--mutation-id', '']],
  ])('refuses a blank %s (usage error), before reading the ledgers', async (flag, selector) => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const r = plan(dir, ['install-plan', '--memory-dir', join(dir, 'no-memory'), ...selector, '--target-root', '/mnt', '--parent-generation', 'a', '--resulting-generation', 'b', '--record']);
    expectRefused(r, 2, `error[flag-blank]: ${flag} must not be blank`, ev.generations);
  });

  // It planned, and with --record journaled, a generation that descends from itself.
  it('refuses a resulting generation named as its own parent (usage error), before reading the policy or the ledgers', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const args = planArgs(ev, join(dir, 'target'), ['--record', '--evidence-bundle', join(dir, 'bundle.json')]).map((a) => (a === 'gen-parent' ? 'gen-child' : a));
    const r = plan(dir, args);
    expectRefused(r, 2, 'error[generation-own-parent]: --parent-generation "gen-child" is --resulting-generation itself: a generation cannot be its own parent\n', ev.generations);
    expect(r.stderr).toContain('hint: Give --parent-generation the label of the generation the install descends from');
    expect(existsSync(join(dir, 'bundle.json'))).toBe(false);
    // Refused before the host policy is read: a broken one is not what the error names.
    writeTree(join(dir, 'etc'), { 'mutation-runner.json': '{ not json' });
    expectRefused(plan(dir, args, { AUTOPOIETIC_ETC_DIR: join(dir, 'etc') }), 2, 'error[generation-own-parent]', ev.generations);
  });
});

describe('install-plan: evidence and path validation', () => {
  it.each([
    ['a P1 seed with another proposal fingerprint', { verifications: [verification({ proposal_fingerprint: FP('f') })] }, 'proposal fingerprint'],
    ['a P1 seed with failed checks', { verifications: [verification({ checks: [check('apply-patch'), check('nix-flake-check', 'failed')] })] }, 'non-passing checks'],
    ['rejected promotion evidence', { promotions: [promotion({ status: 'rejected', reason: 'one or more promotion checks failed' })] }, 'requires promoted P2 evidence'],
    ['promoted evidence without checks', { promotions: [promotion({ checks: [] })] }, 'missing VM check evidence'],
    ['promoted evidence without a VM check', { promotions: [promotion({ checks: [check('apply-patch')] })] }, 'missing VM check evidence'],
  ])('rejects %s', async (_name, records, message) => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'), records);
    expectRefused(plan(dir, planArgs(ev, join(dir, 'target'), ['--record'])), 1, message, ev.generations);
  });

  it('rejects promoted evidence without verified_root_fingerprint (the ledger line itself is refused)', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'), { promotions: [] });
    const { verified_root_fingerprint: _dropped, ...unbound } = promotion();
    const line = JSON.stringify({ ...unbound, chain: { seq: 1, prev: sha256('') } });
    writeFileSync(ev.promotions, `${line}\n`);
    const r = plan(dir, planArgs(ev, join(dir, 'target'), ['--record']));
    expectRefused(r, 1, 'verified_root_fingerprint', ev.generations);
    expect(r.stderr).toContain(`${ev.promotions}:1`);
  });

  it('rejects a relative target root (usage error)', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    expectRefused(plan(dir, planArgs(ev, 'target', ['--record'])), 2, 'absolute path', ev.generations);
  });

  it('refuses an installed memory dir at or under the identity seed (a plan install-apply could never write), naming its source', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    for (const bad of ['/etc/autopoietic/identity.json', '/etc//autopoietic/identity.json/', '/etc/autopoietic/identity.json/ledgers']) {
      const r = plan(dir, planArgs(ev, join(dir, 'target'), ['--record', '--installed-memory-dir', bad]));
      expectRefused(r, 2, `--installed-memory-dir ${bad} would put the seed ledgers at or under the identity seed /etc/autopoietic/identity.json`, ev.generations);
    }
    const etc = policyDir(join(dir, 'etc'), 'observe-only', { memory_dir: '/etc/autopoietic/identity.json' });
    const fromPolicy = plan(dir, planArgs(ev, join(dir, 'target'), ['--record']), { AUTOPOIETIC_ETC_DIR: etc });
    expectRefused(fromPolicy, 2, `memory_dir of host policy ${join(etc, 'mutation-runner.json')}`, ev.generations);
    // Beside the identity seed is fine.
    expect(plan(dir, planArgs(ev, join(dir, 'target'), ['--installed-memory-dir', '/etc/autopoietic'])).code).toBe(0);
  });

  it('rejects a generation journal inside the target root, given absolute or relative', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const target = join(dir, 'target');
    const inside = join(target, 'var/lib/autopoietic/generations.jsonl');
    expectRefused(plan(dir, planArgs(ev, target, ['--record', '--generation-journal', inside])), 2, 'must not be inside', inside);
    expectRefused(plan(dir, planArgs(ev, target, ['--record', '--generation-journal', 'target/generations.jsonl'])), 2, 'must not be inside', join(target, 'generations.jsonl'));
  });

  it('rejects a generation journal reached through a symlink into the target root', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const target = join(dir, 'target');
    mkdirSync(target);
    symlinkSync(target, join(dir, 'alias'));
    expectRefused(plan(dir, planArgs(ev, target, ['--record', '--generation-journal', join(dir, 'alias/generations.jsonl')])), 2, 'must not traverse symlinks', join(target, 'generations.jsonl'));
  });

  it('rejects a symlinked target root for --record', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    mkdirSync(join(dir, 'real-target'));
    symlinkSync(join(dir, 'real-target'), join(dir, 'target'));
    expectRefused(plan(dir, planArgs(ev, join(dir, 'target'), ['--record'])), 2, 'target root', ev.generations);
  });
});

describe('install-plan: evidence sidecar', () => {
  it('writes an install-plan evidence bundle', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const bundlePath = join(dir, 'evidence/plan.json');
    const r = plan(dir, planArgs(ev, join(dir, 'target'), ['--evidence-bundle', bundlePath]));
    expect(r.code, r.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(bundlePath, 'utf8'));
    expect(bundle.phase).toBe('P3');
    expect(bundle.subject.generation_id).toBe('gen-child');
    expect(bundle.claims[0].claim).toBe('install planned');
    // The P2 and P1 records it planned from are inputs an auditor can find and recompute: the
    // canonical digest of the ledger line named by the source (docs/evidence.md, docs/digests.md).
    const input = (name: string) => bundle.inputs.find((i: { input_id: string }) => i.input_id === `input:install-plan:gen-child:${name}`)?.provenance;
    const line = (ledgerFile: string, key: string, id: string) => readFileSync(ledgerFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).find((rec) => rec[key] === id);
    const promotionRef = input('promotion');
    expect(promotionRef.source).toBe(`${ev.promotions}#${PROMOTION}`);
    expect(promotionRef.digest.value).toBe(digestCanonical(line(ev.promotions, 'promotion_id', PROMOTION)));
    const verificationRef = input('verification');
    const [ledgerFile, verificationId] = verificationRef.source.split('#');
    expect(ledgerFile).toBe(ev.results);
    expect(verificationRef.digest.value).toBe(digestCanonical(line(ev.results, 'verification_id', verificationId)));
    expect(bundle.inputs[0].provenance.digest.value).toBe(digestCanonical(r.json())); // the printed plan
  });

  it('prints the plan when --record journaled it and the bundle path was taken meanwhile, then fails on the bundle', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const bundlePath = join(dir, 'evidence', 'new', 'plan.json');
    // Hold the install lock so that the run stops before it records; take the bundle path while it waits.
    const { run } = await withLock(`${ev.generations}.install`, async () => {
      const run = mrAsync(dir, planArgs(ev, join(dir, 'target'), ['--record', '--evidence-bundle', bundlePath]));
      // prepareSidecar creates the bundle's directory before any work: the run is past its checks.
      for (let i = 0; i < 300 && !existsSync(dirname(bundlePath)); i++) await new Promise((done) => setTimeout(done, 50));
      writeFileSync(bundlePath, 'taken\n');
      return { run }; // not the promise itself: the lock must be released before the run can finish
    });
    const r = await run;
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error\[sidecar-refused\]: .*plan\.json.*it changed while the command ran/m);
    const plan = JSON.parse(r.stdout);
    expect(plan.generation.generation).toBe('gen-child');
    expect(readFileSync(ev.generations, 'utf8')).toContain('gen-child'); // journaled, and now printed
    expect(readFileSync(bundlePath, 'utf8')).toBe('taken\n'); // never overwritten
  });

  it('refuses a sidecar over the generation journal before any work (the journal is not created)', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    expectRefused(plan(dir, planArgs(ev, join(dir, 'target'), ['--record', '--evidence-bundle', ev.generations])), 2, 'must not overwrite input source', ev.generations);
  });

  it('refuses a sidecar inside the target root before any work', async () => {
    const dir = tempDir();
    const ev = await writeEvidence(join(dir, 'memory'));
    const target = join(dir, 'target');
    expectRefused(plan(dir, planArgs(ev, target, ['--record', '--evidence-bundle', join(target, 'bundle.json')])), 2, 'inside the target root', ev.generations);
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['memory']);
  });
});
