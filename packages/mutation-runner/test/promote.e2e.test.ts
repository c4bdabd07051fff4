// P2 promote through the built CLI, with real git and Nix: the reference's promoter tests
// (design inventory 6.4), the binding rules of issue 5, replayed expected checks, VM-check
// discovery, nix build out paths, the KVM preflight and the mode.
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidenceBundle } from '@autopoietic/core/schemas';
import { tempDir } from '../../../tests/support/tmp.js';
import { makeUnwritable } from './fixtures/install/run.js';
import { fixtureGenome, ledger, makePatch, memoryDir, readmeProposal, runner, writeProposal, type ProposalSpec } from './support.js';

interface Flow {
  root: string;
  mem: string;
  proposal: string;
}

function setup(spec: ProposalSpec = {}, text?: string): Flow {
  const root = fixtureGenome();
  return { root, mem: memoryDir(), proposal: readmeProposal(root, spec, text) };
}

function verify(f: Flow, extra: string[] = [], proposal = f.proposal) {
  return runner(['verify', '--proposal', proposal, '--root', f.root, '--memory-dir', f.mem, ...extra]);
}

function promote(f: Flow, extra: string[] = [], opts: { vm?: string[]; target?: string; proposal?: string; env?: Record<string, string> } = {}) {
  const vm = (opts.vm ?? ['seed-smoke']).flatMap((v) => ['--vm-check', v]);
  return runner(
    ['promote', '--proposal', opts.proposal ?? f.proposal, '--root', f.root, '--memory-dir', f.mem, '--parent-genome', 'git:fixture', '--target-configuration', opts.target ?? 'seed', ...vm, ...extra],
    opts.env ? { env: opts.env } : {},
  );
}

const promotions = (f: Flow) => ledger(join(f.mem, 'mutation-promotions.jsonl'));

describe('promote: happy path', () => {
  it('promotes a verified proposal, replays it, builds the VM check and records its out path', () => {
    const f = setup();
    const v = verify(f);
    expect(v.code, v.stderr).toBe(0);
    const r = promote(f, [], { vm: ['seed-smoke'] });
    expect(r.code, r.stderr).toBe(0);
    const record = r.json();
    expect(record).toMatchObject({ status: 'promoted', reason: 'all promotion checks passed', phase: 'P2', proposal_phase: 'P1', verification_id: v.json().verification_id, target_configuration: 'seed', parent_genome: 'git:fixture' });
    for (const fp of [record.proposal_fingerprint, record.verified_root_fingerprint, record.promotion_root_fingerprint]) expect(fp).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(record.promotion_root_fingerprint).toBe(record.verified_root_fingerprint);
    expect(record.proposal_fingerprint).toBe(v.json().proposal_fingerprint);
    expect(record.checks.map((c: any) => [c.name, c.status])).toEqual([
      ['apply-patch', 'passed'],
      ['list-vm-checks', 'passed'],
      ['target-configuration', 'passed'],
      ['vm-check:seed-smoke', 'passed'],
    ]);
    const vm = record.checks[3];
    expect(vm.args).toContain(record.nix_version.startsWith('2.8') ? '--json' : '--print-out-paths');
    expect(vm.out_paths).toHaveLength(1);
    expect(vm.out_paths[0]).toMatch(/^\/nix\/store\/[0-9a-z]{32}-seed-smoke$/);
    expect(readFileSync(vm.out_paths[0], 'utf8')).toBe('ok\n');
    expect(promotions(f)).toEqual([record]);
    expect(readFileSync(join(f.root, 'README.md'), 'utf8')).toBe('Fixture genome.\n');
  });

  it('re-runs the proposal\'s expected checks in the replay (memory/evidence is not copied there either)', () => {
    const root = fixtureGenome(undefined, { 'memory/evidence/p1.json': '{}\n' });
    const f = { root, mem: memoryDir(), proposal: readmeProposal(root, { expected_checks: [{ name: 'no-evidence', command: 'test', args: ['!', '-e', 'memory/evidence/p1.json'] }, { name: 'readme', command: 'test', args: ['-s', 'README.md'] }] }) };
    expect(verify(f).code).toBe(0);
    const r = promote(f);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().checks.map((c: any) => c.name)).toEqual(['apply-patch', 'list-vm-checks', 'target-configuration', 'no-evidence', 'readme', 'vm-check:seed-smoke']);
  });

  it('rejects with the exact reason when a replayed check fails (the environment changed since P1)', () => {
    const ok = tempDir();
    writeFileSync(join(ok, 'ready'), '');
    const root = fixtureGenome();
    const { patch } = makePatch(root, (w) => writeFileSync(join(w, 'gate.nix'), 'assert builtins.pathExists <aosflag/ready>; true\n'));
    const f = { root, mem: memoryDir(), proposal: writeProposal({ changed_paths: ['gate.nix'], patch, expected_checks: [{ name: 'gate', command: 'nix-instantiate', args: ['--eval', 'gate.nix'] }] }) };
    expect(runner(['verify', '--proposal', f.proposal, '--root', root, '--memory-dir', f.mem], { env: { NIX_PATH: `aosflag=${ok}` } }).code).toBe(0);
    const r = promote(f, [], { env: { NIX_PATH: `aosflag=${tempDir()}` } });
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toBe('one or more promotion checks failed');
    expect(r.json().checks.find((c: any) => c.name === 'gate').status).toBe('failed');
  });
});

describe('promote: the identity host of the promoted genome', () => {
  // install-plan's identity seed must come from what P2 promoted (the genome plus the patch), not
  // from whatever the live genome holds when the plan is made: that was never verified.
  it('is recorded from the replayed candidate, and install-plan seeds that one, not a later edit of the live genome', () => {
    const root = fixtureGenome();
    const hostFile = 'hosts/seed/default.nix';
    const { patch } = makePatch(root, (w) => {
      mkdirSync(join(w, 'hosts/seed'));
      writeFileSync(join(w, hostFile), '{ autopoietic.identity.host = "seed-promoted"; }\n');
    });
    const f = { root, mem: memoryDir(), proposal: writeProposal({ changed_paths: [hostFile], patch, extra: { metadata: { identity_host: 'from-the-proposal' } } }) };
    expect(verify(f).code).toBe(0);
    const r = promote(f);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().metadata).toMatchObject({ identity_host: 'seed-promoted', identity_host_source: `genome:${hostFile}:1` });
    // After the promotion the live genome (which never had the patch) gets its own, unverified host.
    mkdirSync(join(root, 'hosts/seed'));
    writeFileSync(join(root, hostFile), '{ autopoietic.identity.host = "attacker-box"; }\n');
    const args = ['install-plan', '--root', root, '--memory-dir', f.mem, '--promotion-id', r.json().promotion_id, '--target-root', '/mnt', '--parent-generation', 'a', '--resulting-generation', 'b'];
    const plan = runner(args);
    expect(plan.code, plan.stderr).toBe(0);
    const identity = plan.json().seed_manifest.files.find((s: any) => s.installed_path === '/etc/autopoietic/identity.json');
    expect(JSON.parse(identity.content).host).toBe('seed-promoted');
    expect(plan.json().generation.metadata).toMatchObject({ identity_host: 'seed-promoted', identity_host_source: `genome:${hostFile}:1` });
  });

  it('is the configuration label, recorded as a fallback, when the promoted genome sets none', () => {
    const f = setup({ extra: { metadata: { identity_host: 'from-the-proposal', identity_host_source: 'genome:x.nix:1' } } });
    expect(verify(f).code).toBe(0);
    const r = promote(f);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().metadata).toEqual({ identity_host: 'seed', identity_host_source: 'fallback:target-configuration' });
  });
});

describe('promote: P1 evidence binding', () => {
  it('rejects without P1 evidence', () => {
    const f = setup();
    const r = promote(f);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('proposal rejected');
    expect(r.json().reason).toContain('no P1 verification evidence');
    expect(r.json().verification_id).toBeUndefined();
    expect(r.json().promotion_root_fingerprint).toBe('unavailable:no-verification-evidence');
  });

  it('rejects P1 evidence that is not verified', () => {
    const f = setup({ expected_checks: [{ name: 'nope', command: 'false' }] });
    expect(verify(f).code).toBe(1);
    const r = promote(f);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toMatch(/P1 verification ver-\S+ is not verified \(status rejected/);
  });

  it('rejects a proposal changed after verification', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const p = JSON.parse(readFileSync(f.proposal, 'utf8'));
    writeFileSync(f.proposal, JSON.stringify({ ...p, goal: 'a different goal' }));
    const r = promote(f);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toContain('does not match the current proposal fingerprint');
  });

  it('rejects when the root changed after verification', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    writeFileSync(join(f.root, 'added-later.nix'), '{ }\n');
    const r = promote(f);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toContain('root fingerprint does not match');
    expect(r.json().promotion_root_fingerprint).not.toBe(r.json().verified_root_fingerprint);
  });

  it('a newer rejected run of a DIFFERENT proposal version does not hide the verified one', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const v2 = readmeProposal(f.root, { expected_checks: [{ name: 'nope', command: 'false' }] });
    expect(verify(f, [], v2).code).toBe(1); // same mutation_id, different fingerprint, rejected, newer
    const r = promote(f);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json().verification_id).toBe(ledger(join(f.mem, 'mutation-results.jsonl'))[0].verification_id);
  });

  it('a newer rejected run of the SAME proposal version does hide it', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const policy = join(tempDir(), 'policy.json');
    writeFileSync(policy, JSON.stringify({ operator_checks: [{ name: 'veto', command: 'false' }] }));
    expect(verify(f, ['--policy', policy]).code).toBe(1);
    const r = promote(f);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toContain('is not verified');
    expect(r.json().verification_id).toBe(ledger(join(f.mem, 'mutation-results.jsonl'))[1].verification_id);
  });

  it('binds to nothing in a verification journal whose hash chain is broken (lines reordered so an older verified run comes last)', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const policy = join(tempDir(), 'policy.json');
    writeFileSync(policy, JSON.stringify({ operator_checks: [{ name: 'veto', command: 'false' }] }));
    expect(verify(f, ['--policy', policy]).code).toBe(1);
    const journal = join(f.mem, 'mutation-results.jsonl');
    const [verified, rejected] = readFileSync(journal, 'utf8').trimEnd().split('\n');
    writeFileSync(journal, `${rejected}\n${verified}\n`);
    const r = promote(f);
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('error');
    expect(r.json().reason).toContain('failed to read P1 verification evidence');
    expect(r.json().reason).toContain(`${journal} fails its integrity check`);
    expect(r.json().checks).toEqual([]);
  });

  it('records an unreadable verification journal as error', () => {
    const f = setup();
    mkdirSync(f.mem, { recursive: true });
    writeFileSync(join(f.mem, 'mutation-results.jsonl'), 'not json\n{}\n');
    const r = promote(f);
    expect(r.json().status).toBe('error');
    expect(r.json().reason).toContain('failed to read P1 verification evidence');
  });
});

describe('promote: VM checks', () => {
  it('rejects a VM check that does not match the target configuration', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const r = promote(f, [], { target: 'aion', vm: ['iso-boot-basic'] });
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toContain('does not match target_configuration');
  });

  it('refuses VM check names and systems that are not Nix attribute names (usage error, nothing journaled)', () => {
    const f = setup();
    for (const extra of [{ vm: ['seed-x;rm -rf /'] }, { vm: ['seed-"x"'] }, { target: 'se ed' }]) {
      const r = promote(f, [], extra);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is not a Nix attribute name');
    }
    expect(promote(f, ['--system', 'x86_64-linux#evil']).code).toBe(2);
    expect(promotions(f)).toEqual([]);
  });

  it('refuses a blank --changed-organ (usage error, nothing journaled) and records each organ and VM check once', () => {
    const f = setup();
    for (const organ of ['', '  ']) {
      const r = promote(f, ['--changed-organ', 'motd', '--changed-organ', organ]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('error[invalid-option]: --changed-organ must not be blank');
    }
    // The organ name rule of mutation-journal: a newline would be stored and matched as a name.
    const bad = promote(f, ['--changed-organ', 'motd\nfake']);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toContain('error[organ-name-invalid]: --changed-organ "motd\\nfake" contains U+000A (a line break) at character 5');
    expect(promotions(f)).toEqual([]);
    expect(verify(f).code).toBe(0);
    const r = promote(f, ['--changed-organ', 'motd', '--changed-organ', 'motd'], { vm: ['seed-smoke', 'seed-smoke'] });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().changed_organs).toEqual(['motd']);
    expect(r.json().checks.map((c: any) => c.name)).toEqual(['apply-patch', 'list-vm-checks', 'target-configuration', 'vm-check:seed-smoke']);
  });

  // The VM-check prefix only ties names together: a check named `ghost-…` says nothing about a
  // configuration `ghost`. P2 promotes a target configuration, so it must exist and evaluate.
  const targetGenome = (configurations: string) =>
    fixtureGenome('genome', {
      'flake.nix': `{ outputs = { self }: { checks.x86_64-linux.ghost-smoke = derivation { name = "ghost-smoke"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ok > $out" ]; }; ${configurations} }; }\n`,
    });
  const toplevel = (name: string) => `{ config.system.build.toplevel = derivation { name = "${name}"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ok > $out" ]; }; }`;

  it('rejects a target configuration the candidate flake does not define, although a VM check named after it exists', () => {
    const root = targetGenome(`nixosConfigurations.seed = ${toplevel('seed')};`);
    const f = { root, mem: memoryDir(), proposal: readmeProposal(root) };
    expect(verify(f).code).toBe(0);
    const r = promote(f, [], { target: 'ghost', vm: ['ghost-smoke'] });
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toBe("target configuration 'ghost' is not defined in nixosConfigurations of the candidate flake (available: seed)");
    expect(r.json().checks.some((c: any) => c.name.startsWith('vm-check:'))).toBe(false);
    // The step says so too (it read `passed`), and so does the verdict line.
    expect(r.json().checks.find((c: any) => c.name === 'target-configuration')).toMatchObject({ status: 'failed', exit_code: 0, reason: r.json().reason });
    expect(r.stderr).toMatch(/^proposal rejected: target configuration 'ghost' is not defined .*\(available: seed\): target-configuration$/m);
  });

  it('names the missing target, not its missing VM check, when --target-configuration is mistyped (it said only "VM check \'seedd-smoke\' is not defined")', () => {
    const root = targetGenome(`nixosConfigurations.seed = ${toplevel('seed')};`);
    const f = { root, mem: memoryDir(), proposal: readmeProposal(root) };
    expect(verify(f).code).toBe(0);
    const r = promote(f, [], { target: 'seedd', vm: ['seedd-smoke'] });
    expect(r.code).toBe(1);
    expect(r.json().reason).toBe("target configuration 'seedd' is not defined in nixosConfigurations of the candidate flake (available: seed)");
  });

  it('rejects when the candidate flake has no nixosConfigurations at all', () => {
    const root = targetGenome('');
    const f = { root, mem: memoryDir(), proposal: readmeProposal(root) };
    expect(verify(f).code).toBe(0);
    const r = promote(f, [], { target: 'ghost', vm: ['ghost-smoke'] });
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toBe("target configuration 'ghost' is not defined in nixosConfigurations of the candidate flake (available: none)");
  });

  it('rejects a target configuration whose system.build.toplevel does not evaluate', () => {
    // nix flake check (P1) only asks whether toplevel is a derivation; its drvPath is what fails.
    const broken = '{ config.system.build.toplevel = derivation { name = "ghost"; system = "x86_64-linux"; builder = "/bin/sh"; oops = throw "ghost is broken"; }; }';
    const root = targetGenome(`nixosConfigurations.ghost = ${broken};`);
    const f = { root, mem: memoryDir(), proposal: readmeProposal(root) };
    expect(verify(f).code).toBe(0);
    const r = promote(f, [], { target: 'ghost', vm: ['ghost-smoke'] });
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toBe("nixosConfigurations.ghost.config.system.build.toplevel does not evaluate in the candidate flake; see the target-configuration log");
    const target = r.json().checks.find((c: any) => c.name === 'target-configuration');
    expect(target.status).toBe('failed');
    expect(target.stderr).toContain('ghost is broken');
  });

  it('promotes a target configuration that evaluates, recording its toplevel derivation', () => {
    const root = targetGenome(`nixosConfigurations.ghost = ${toplevel('ghost-toplevel')};`);
    const f = { root, mem: memoryDir(), proposal: readmeProposal(root) };
    expect(verify(f).code).toBe(0);
    const r = promote(f, [], { target: 'ghost', vm: ['ghost-smoke'] });
    expect(r.code, r.stderr).toBe(0);
    const target = r.json().checks.find((c: any) => c.name === 'target-configuration');
    expect(target.status).toBe('passed');
    expect(JSON.parse(target.stdout)).toMatchObject({ names: ['ghost'], drv: expect.stringMatching(/^\/nix\/store\/[0-9a-z]{32}-ghost-toplevel\.drv$/) });
    // Each step's logs have a number of their own, in record order (two steps once shared 01).
    const numbers = r.json().checks.map((c: any) => basename(c.stderr_log.path).slice(0, 2));
    expect(numbers).toEqual(numbers.map((_: string, i: number) => String(i).padStart(2, '0')));
  });

  it('rejects a VM check missing from checks.<system> before anything builds', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const r = promote(f, [], { vm: ['seed-boot'] });
    expect(r.json().status).toBe('rejected');
    expect(r.json().reason).toBe("VM check 'seed-boot' is not defined in checks.x86_64-linux of the candidate flake (available: seed-kvm, seed-smoke)");
    expect(r.json().checks.map((c: any) => c.name)).toEqual(['apply-patch', 'list-vm-checks', 'target-configuration']);
  });

  it('gives error, never promoted, when a VM check needs kvm and this machine lacks it (before building)', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const r = promote(f, ['--nix-option', 'system-features=benchmark big-parallel'], { vm: ['seed-kvm', 'seed-smoke'] });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('proposal errored');
    const record = r.json();
    expect(record.status).toBe('error');
    expect(record.reason).toContain('VM check seed-kvm cannot run on this machine: requires kvm');
    expect(record.checks.find((c: any) => c.name === 'vm-check:seed-kvm')).toMatchObject({ status: 'error', exit_code: null });
    expect(record.checks.some((c: any) => c.name === 'vm-check:seed-smoke')).toBe(false);
    expect(readdirSync(join(f.mem, 'logs', record.promotion_id)).filter((n) => n.includes('-vm-check_'))).toEqual([]);
  });

  it('gives error for checks of a system this machine cannot build', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const r = promote(f, ['--system', 'aarch64-linux']);
    expect(r.code).toBe(1);
    expect(r.json().status).toBe('error');
    expect(r.json().reason).toMatch(/^VM check seed-smoke cannot run on this machine: checks for aarch64-linux cannot be built here: this machine builds x86_64-linux(, [\w-]+)*, and no remote builder offers aarch64-linux$/);
  });
});

describe('promote: mode and evidence', () => {
  function etc(mode: string): string {
    const dir = tempDir('aos-etc-');
    writeFileSync(join(dir, 'mutation-runner.json'), JSON.stringify({ mode }));
    return dir;
  }

  it('needs mutate-vm: refused in mutate-draft (exit 1, nothing journaled), allowed in mutate-vm', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const refused = promote(f, ['--etc-dir', etc('mutate-draft')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('promote needs autonomy mode mutate-vm');
    expect(existsSync(join(f.mem, 'mutation-promotions.jsonl'))).toBe(false);
    expect(promote(f, ['--etc-dir', etc('mutate-vm')]).code).toBe(0);
  });

  it('writes a P2 bundle with matched root and proposal comparisons', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const path = join(tempDir(), 'p2.json');
    const r = promote(f, ['--evidence-bundle', path]);
    expect(r.code, r.stderr).toBe(0);
    const bundle = EvidenceBundle.parse(JSON.parse(readFileSync(path, 'utf8')));
    expect(bundle.claims?.[0]?.claim).toBe('mutation promoted');
    expect(bundle.phase).toBe('P2');
    const status = Object.fromEntries(bundle.comparisons!.map((c) => [c.comparison_id.split(':').pop(), c.status]));
    expect(status).toMatchObject({ 'root-fingerprint': 'matched', 'proposal-fingerprint': 'matched', 'target-configuration': 'matched', 'vm-check-status': 'matched' });
  });

  it('prints the journaled record when the bundle cannot be written after all, then fails on the bundle (it printed no record)', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    const dir = tempDir();
    const path = join(dir, 'p2.json');
    // A directory that refuses new files: the path checks before any work cannot see that.
    const undo = makeUnwritable(dir);
    let r: ReturnType<typeof promote>;
    try {
      r = promote(f, ['--evidence-bundle', path]);
    } finally {
      undo();
    }
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('promoted');
    expect(promotions(f)).toEqual([record]);
    expect(r.stderr).toMatch(/^error\[write-failed\]: failed to open output file .*p2\.json \((EPERM|EACCES)\)$/m);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a sidecar over either journal before any work, leaving both unchanged', () => {
    const f = setup();
    expect(verify(f).code).toBe(0);
    expect(promote(f).code).toBe(0);
    const vj = join(f.mem, 'mutation-results.jsonl');
    const pj = join(f.mem, 'mutation-promotions.jsonl');
    const before = [readFileSync(vj), readFileSync(pj)];
    for (const target of [vj, pj]) {
      const r = promote(f, ['--evidence-bundle', target]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('must not overwrite input source');
    }
    // A symlinked alias of the promotion journal is refused too, and the ledger stays JSONL.
    const alias = tempDir();
    symlinkSync(f.mem, join(alias, 'mem'));
    expect(promote(f, ['--evidence-bundle', join(alias, 'mem', 'mutation-promotions.jsonl')]).code).toBe(2);
    expect([readFileSync(vj), readFileSync(pj)]).toEqual(before);
    expect(promotions(f)).toHaveLength(1);
  });
});
