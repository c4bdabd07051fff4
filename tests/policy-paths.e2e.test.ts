// Every CLI agrees on the host policy and on where the memory directory may be, through the built
// bins as real processes (real git; real Nix where verify and promote run). One rule each, in core:
//   - a host policy is used whole or not at all: an unknown mode or field refuses every command
//     that reads any part of it, the gates for its mode and the read-only tools for its
//     memory_dir (policy/host-policy-file.ts);
//   - the memory directory is never the genome root, however it is named (ledger/paths.ts).
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordedPlan } from '../packages/mutation-runner/test/fixtures/install/run.js';
import { fixtureGenome, readmeProposal } from '../packages/mutation-runner/test/support.js';
import { runCli, type CliName } from './support/cli.js';
import { git } from './support/git.js';
import { tempDir } from './support/tmp.js';

type Invocation = [CliName, string[]];

/** One invocation per command that resolves the memory directory (read-only ones included). */
function commands(root: string, proposal: string, plan: string): Invocation[] {
  return [
    ['mutation-journal', ['append', '--goal', 'g', '--status', 'pending', '--phase', 'P0']],
    ['mutation-journal', ['list', 'mutations']],
    ['mutation-journal', ['ledger', 'verify', '--all']],
    ['mutation-journal', ['lineage']],
    ['mutation-journal', ['organ', 'list']],
    ['os-introspect', ['--root', root]],
    ['mutation-runner', ['handoff', '--goal', 'g', '--root', root]],
    ['mutation-runner', ['propose', '--goal', 'g', '--phase', 'P1', '--root', root]],
    ['mutation-runner', ['verify', '--proposal', proposal, '--root', root]],
    ['mutation-runner', ['promote', '--proposal', proposal, '--root', root, '--parent-genome', 'git:HEAD']],
    ['mutation-runner', ['evolve', '--goal', 'g', '--generator', 'true', '--root', root]],
    ['mutation-runner', ['install-plan', '--root', root, '--mutation-id', 'mut-x', '--target-root', '/mnt', '--parent-generation', 'a', '--resulting-generation', 'b']],
    ['mutation-runner', ['install-apply', '--plan', plan, '--yes']],
    ['mutation-runner', ['install-revert', '--plan', plan, '--yes']],
  ];
}

async function setting() {
  const base = tempDir('aos-policy-paths-');
  const root = fixtureGenome();
  const etc = join(base, 'etc');
  mkdirSync(etc);
  const { planFile } = await recordedPlan(join(base, 'install'));
  return { base, root, etc, proposal: readmeProposal(root), plan: planFile };
}

function label([cli, args]: Invocation): string {
  return `${cli} ${args[0]}${args[0] === 'ledger' || args[0] === 'organ' ? ` ${args[1]}` : ''}`;
}

function expectUntouched(root: string): void {
  expect(git(root, ['status', '--porcelain', '--untracked-files=all']), root).toBe('');
}

describe('a host policy is trusted whole or not at all, by every command', () => {
  it('refuses an unknown mode the same way in every command, even those that read only memory_dir', { timeout: 180_000 }, async () => {
    const s = await setting();
    const policy = join(s.etc, 'mutation-runner.json');
    const policyMemory = join(s.base, 'policy-memory');
    writeFileSync(policy, JSON.stringify({ mode: 'mutate-everything', memory_dir: policyMemory }));
    for (const inv of commands(s.root, s.proposal, s.plan)) {
      const r = runCli(inv[0], inv[1], { cwd: s.root, env: { AUTOPOIETIC_ETC_DIR: s.etc } });
      expect(r.code, `${label(inv)}: ${r.stderr}`).toBe(1);
      expect(r.stdout, label(inv)).toBe('');
      expect(r.stderr, label(inv)).toContain(`error[host-policy-invalid]: host policy ${policy} is invalid: mode "mutate-everything" is not a known mode`);
      expect(r.stderr, label(inv)).toContain('hint: Every autopoietic tool refuses a host policy it cannot check whole.');
    }
    expect(existsSync(policyMemory)).toBe(false);
    expectUntouched(s.root);
  });

  it('refuses a field this version does not know (a newer policy), and lets a read-only command run without the policy when told where the memory is', async () => {
    const s = await setting();
    writeFileSync(join(s.etc, 'mutation-runner.json'), JSON.stringify({ mode: 'observe-only', memory_dir: '/var/lib/autopoietic', require_signatures: true }));
    const env = { AUTOPOIETIC_ETC_DIR: s.etc };
    const refused = runCli('mutation-journal', ['list', 'mutations'], { cwd: s.root, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('unknown field require_signatures');
    expect(refused.stderr).toContain('runs without it when given --memory-dir or AUTOPOIETIC_MEMORY_DIR');
    const memory = join(s.base, 'memory');
    const listed = runCli('mutation-journal', ['list', 'mutations', '--memory-dir', memory], { cwd: s.root, env });
    expect([listed.code, listed.json()], listed.stderr).toEqual([0, []]);
    const observed = runCli('os-introspect', ['--root', s.root], { cwd: s.root, env: { ...env, AUTOPOIETIC_MEMORY_DIR: memory } });
    expect(observed.code, observed.stderr).toBe(0);
    // A gate needs the mode, so no flag lets it past a policy it cannot read.
    const gate = runCli('mutation-runner', ['verify', '--proposal', s.proposal, '--root', s.root, '--memory-dir', memory], { cwd: s.root, env });
    expect(gate.code).toBe(1);
    expect(gate.stderr).toContain('error[host-policy-invalid]');
    expect(existsSync(join(memory, 'mutation-results.jsonl'))).toBe(false);
  });

  it('refuses a policy it cannot read instead of falling back to <genome>/memory', () => {
    const root = fixtureGenome();
    const etc = tempDir();
    mkdirSync(join(etc, 'mutation-runner.json'));
    for (const [cli, args] of [['mutation-journal', ['append', '--goal', 'g', '--status', 'pending', '--phase', 'P0']], ['os-introspect', []]] as Invocation[]) {
      const r = runCli(cli, args, { cwd: root, env: { AUTOPOIETIC_ETC_DIR: etc } });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`error[host-policy-unreadable]: cannot read host policy ${join(etc, 'mutation-runner.json')}: not a regular file (a directory)`);
    }
    expect(existsSync(join(root, 'memory'))).toBe(false);
  });
});

describe('the memory directory is never the genome root', () => {
  it('every command refuses it before reading or writing anything (exit 2)', { timeout: 180_000 }, async () => {
    const s = await setting();
    for (const inv of commands(s.root, s.proposal, s.plan)) {
      const r = runCli(inv[0], [...inv[1], '--memory-dir', s.root], { cwd: s.root });
      expect(r.code, `${label(inv)}: ${r.stderr}`).toBe(2);
      expect(r.stderr, label(inv)).toContain(`error[memory-dir-is-genome-root]: the memory directory ${s.root} (--memory-dir) is the genome root ${s.root}`);
      expect(r.stderr, label(inv)).toMatch(/\nhint: Keep the ledgers out of the genome root/);
    }
    expectUntouched(s.root);
  });

  it('whether it is named by AUTOPOIETIC_MEMORY_DIR, a symlink, or the host policy', async () => {
    const s = await setting();
    const alias = join(s.base, 'alias');
    symlinkSync(s.root, alias);
    const viaEnv = runCli('os-introspect', [], { cwd: s.root, env: { AUTOPOIETIC_MEMORY_DIR: '.' } });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.stderr).toContain('(AUTOPOIETIC_MEMORY_DIR) is the genome root');
    const viaLink = runCli('mutation-journal', ['append', '--goal', 'g', '--status', 'pending', '--phase', 'P0', '--memory-dir', alias], { cwd: s.root });
    expect(viaLink.code).toBe(2);
    expect(viaLink.stderr).toContain(`the memory directory ${s.root} (--memory-dir)`);
    writeFileSync(join(s.etc, 'mutation-runner.json'), JSON.stringify({ mode: 'mutate-vm', memory_dir: alias }));
    const viaPolicy = runCli('mutation-runner', ['verify', '--proposal', s.proposal, '--root', s.root], { cwd: s.root, env: { AUTOPOIETIC_ETC_DIR: s.etc } });
    expect(viaPolicy.code, viaPolicy.stderr).toBe(1); // the operator's file, not a usage error
    expect(viaPolicy.stderr).toContain('(memory_dir of the host policy) is the genome root');
    expectUntouched(s.root);
  });

  it('a memory directory inside the genome reached through a symlink stays out of candidates: P1 twice gives one root, and P2 binds to it', { timeout: 180_000 }, () => {
    const root = fixtureGenome();
    mkdirSync(join(root, 'state'));
    const link = join(tempDir(), 'memory-link');
    symlinkSync(join(root, 'state'), link);
    const proposal = readmeProposal(root);
    const run = (args: string[]) => runCli('mutation-runner', [...args, '--root', root, '--memory-dir', link], { cwd: root });
    const first = run(['verify', '--proposal', proposal]);
    expect(first.code, first.stderr).toBe(0);
    // The first run's logs and ledger now sit in <genome>/state; the candidate must not see them.
    expect(readdirSync(join(root, 'state')).sort()).toEqual(['logs', 'mutation-results.jsonl']);
    const second = run(['verify', '--proposal', proposal]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.json().root_fingerprint).toBe(first.json().root_fingerprint);
    const promoted = run(['promote', '--proposal', proposal, '--parent-genome', 'git:HEAD', '--target-configuration', 'seed', '--vm-check', 'seed-smoke']);
    expect(promoted.code, promoted.stdout + promoted.stderr).toBe(0);
    expect(promoted.json()).toMatchObject({ status: 'promoted', verification_id: second.json().verification_id });
    // Its records name the real place, not the link.
    expect(first.json().checks[0].stdout_log.path.startsWith(join(root, 'state', 'logs'))).toBe(true);
  });
});

describe('a memory directory that cannot be one', () => {
  it('is refused by every command before any work: a file, a link to nothing, a link loop, a path under a file', () => {
    const root = fixtureGenome();
    const base = tempDir();
    const proposal = readmeProposal(root);
    writeFileSync(join(base, 'file'), 'x');
    symlinkSync(join(base, 'nowhere', 'memory'), join(base, 'dangling'));
    symlinkSync('loop', join(base, 'loop'));
    const cases: [string, string][] = [
      [join(base, 'file'), 'is a file, not a directory'],
      [join(base, 'dangling'), `is a symbolic link to ${join(base, 'nowhere', 'memory')}, which does not exist`],
      [join(base, 'loop'), 'is a symbolic link that leads back to itself'],
      [join(base, 'file', 'memory'), `lies under ${join(base, 'file')}, which is not a directory`],
    ];
    const invocations: Invocation[] = [
      ['mutation-journal', ['append', '--goal', 'g', '--status', 'pending', '--phase', 'P0']],
      ['mutation-journal', ['list', 'mutations']],
      ['os-introspect', []],
      ['mutation-runner', ['verify', '--proposal', proposal]],
    ];
    for (const [memory, why] of cases) {
      for (const inv of invocations) {
        const r = runCli(inv[0], [...inv[1], '--memory-dir', memory], { cwd: root });
        expect(r.code, `${label(inv)} ${memory}: ${r.stderr}`).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr, label(inv)).toContain(`error[memory-dir-not-a-directory]: the memory directory ${memory} (--memory-dir) ${why}`);
        expect(r.stderr, label(inv)).toMatch(/\nhint: /);
      }
    }
    expect(existsSync(join(base, 'nowhere'))).toBe(false);
    expectUntouched(root);
  });
});

describe('an empty or blank place', () => {
  // mutation-journal and os-introspect refused these in their own option checks; mutation-runner
  // did not, and resolved '' to the working directory: verify, handoff and evolve wrote their
  // ledgers, logs and cache there (' ' made a directory named by a space), and --etc-dir '' took
  // the host policy from ./mutation-runner.json.
  it('is a usage error in every command, naming the flag or variable, and nothing is written', () => {
    const root = fixtureGenome();
    const cwd = tempDir();
    const proposal = readmeProposal(root);
    const memory = join(tempDir(), 'memory');
    const runs: [string[], Record<string, string>, string][] = [
      [['verify', '--proposal', proposal, '--root', root, '--memory-dir', ''], {}, '--memory-dir must not be empty'],
      [['verify', '--proposal', proposal, '--root', root, '--memory-dir', ' '], {}, '--memory-dir must not be empty'],
      [['verify', '--proposal', proposal, '--root', root, '--memory-dir', memory, '--etc-dir', ''], {}, '--etc-dir must not be empty'],
      [['handoff', '--goal', 'g', '--root', root, '--memory-dir', ''], {}, '--memory-dir must not be empty'],
      [['evolve', '--goal', 'g', '--generator', 'true', '--root', root, '--memory-dir', ''], {}, '--memory-dir must not be empty'],
      [['verify', '--proposal', proposal, '--root', root], { AUTOPOIETIC_MEMORY_DIR: ' ' }, 'AUTOPOIETIC_MEMORY_DIR must not be blank'],
      [['verify', '--proposal', proposal, '--root', root, '--memory-dir', memory], { AUTOPOIETIC_ETC_DIR: '\t' }, 'AUTOPOIETIC_ETC_DIR must not be blank'],
    ];
    for (const [args, env, message] of runs) {
      const r = runCli('mutation-runner', args, { cwd, env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).toMatch(/\nhint: /);
    }
    const blank = runCli('mutation-journal', ['list', 'mutations'], { cwd, env: { AUTOPOIETIC_MEMORY_DIR: ' ' } });
    expect(blank.code).toBe(2);
    expect(readdirSync(cwd)).toEqual([]);
    expect(existsSync(memory)).toBe(false);
    expectUntouched(root);
  });
});
