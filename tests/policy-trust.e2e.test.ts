// Who may have written the host policy, or a gate's --policy file, through the built bins as real
// processes, with real files, modes and owners (as root, the reader-dependent cases run a CLI as
// nobody with setpriv; as a normal user, the cases it can make: its own files, in its own group).
// The rule is one function (core adapters/path-trust.ts), applied by the one policy reader
// (policy/host-policy-file.ts) and by the gates' --policy reader (pipeline/context.ts): the file,
// every directory on its path and every link to it must be changeable by nobody but root and the
// user running the tool.
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureGenome, readmeProposal } from '../packages/mutation-runner/test/support.js';
import { runCli, runCliVia } from './support/cli.js';
import { git } from './support/git.js';
import { tempDir } from './support/tmp.js';

const NOBODY = 65534;
const AS_NOBODY = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
/** Root can chown to others and run a CLI as nobody; a normal user gets the cases it can make. */
const AS_ROOT = process.getuid?.() === 0;

/** <tmp>/etc (0755) and <tmp>/memory, readable by nobody too. */
function setting() {
  const base = tempDir('aos-policy-trust-');
  chmodSync(base, 0o755);
  const etc = join(base, 'etc');
  mkdirSync(etc, { mode: 0o755 });
  return { base, etc, policy: join(etc, 'mutation-runner.json'), memory: join(base, 'memory') };
}

describe('a host policy another user could change is not used', () => {
  it('a world-writable policy raised to autopoiesis runs no gate, nor does one in a world-writable directory', () => {
    const s = setting();
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const env = { AUTOPOIETIC_ETC_DIR: s.etc, AUTOPOIETIC_MEMORY_DIR: s.memory };
    const verify = () => runCli('mutation-runner', ['verify', '--proposal', proposal, '--root', root], { cwd: root, env });
    writeFileSync(s.policy, JSON.stringify({ mode: 'observe-only' }), { mode: 0o644 });
    const bounded = verify();
    expect([bounded.code, bounded.stderr]).toEqual([1, expect.stringContaining('error[mode-forbidden]: verify needs autonomy mode mutate-draft or higher')]);
    // Any local user could now write it.
    chmodSync(s.policy, 0o666);
    writeFileSync(s.policy, JSON.stringify({ mode: 'autopoiesis' }));
    const refused = verify();
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`error[host-policy-untrusted]: host policy ${s.policy} could have been written by another user: file ${s.policy} is writable by every user (mode 0666)`);
    expect(refused.stderr).toContain(`hint: Remove that write permission: \`chmod o-w ${s.policy}\`.`);
    expect(existsSync(join(s.memory, 'mutation-results.jsonl'))).toBe(false);
    // The tools that only read memory_dir refuse it the same way.
    for (const [cli, args] of [['mutation-journal', ['list', 'mutations']], ['os-introspect', ['--root', root]]] as const) {
      const r = runCli(cli, [...args], { cwd: root, env: { AUTOPOIETIC_ETC_DIR: s.etc } });
      expect([r.code, r.stderr], cli).toEqual([1, expect.stringContaining('error[host-policy-untrusted]')]);
    }
    chmodSync(s.policy, 0o644);
    chmodSync(s.etc, 0o777);
    expect(verify().stderr).toContain(`error[host-policy-untrusted]: host policy ${s.policy} could have been written by another user: directory ${s.etc} is writable by every user (mode 0777)`);
    expect(git(root, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });

  it('a missing policy in a directory others can write is not "no limits": whoever removed it is not trusted', () => {
    const s = setting();
    const root = fixtureGenome();
    chmodSync(s.etc, 0o777);
    const r = runCli('mutation-runner', ['verify', '--proposal', readmeProposal(root), '--root', root], { cwd: root, env: { AUTOPOIETIC_ETC_DIR: s.etc, AUTOPOIETIC_MEMORY_DIR: s.memory } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error[host-policy-untrusted]: no host policy at ${s.policy}, but another user could have removed it: directory ${s.etc} is writable by every user (mode 0777)`);
    expect(r.stderr).not.toContain('allowing verify');
    expect(existsSync(join(s.memory, 'mutation-results.jsonl'))).toBe(false);
  });

  it('depends on who reads it: a policy nobody owns is refused by root and by another user, and used by nobody', () => {
    const s = setting();
    const policyMemory = join(s.base, 'policy-memory');
    writeFileSync(s.policy, JSON.stringify({ mode: 'observe-only', memory_dir: policyMemory }), { mode: 0o644 });
    if (!AS_ROOT) {
      // Only root can give a file to another user or run a CLI as one. A normal user's own
      // policy, in its own directories, is used by that user: the owner is the reader.
      const byOwner = runCli('mutation-journal', ['list', 'mutations'], { cwd: s.base, env: { AUTOPOIETIC_ETC_DIR: s.etc } });
      expect([byOwner.code, byOwner.stdout.trim()], byOwner.stderr).toEqual([0, '[]']);
      expect(byOwner.stderr).not.toContain('host-policy-untrusted');
      // Made writable by others, the same file is refused, naming the mode.
      chmodSync(s.policy, 0o666);
      const refused = runCli('mutation-journal', ['list', 'mutations'], { cwd: s.base, env: { AUTOPOIETIC_ETC_DIR: s.etc } });
      expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining(`file ${s.policy} is writable by every user (mode 0666)`)]);
      return;
    }
    chownSync(s.policy, NOBODY, NOBODY);
    const byRoot = runCli('mutation-journal', ['list', 'mutations'], { cwd: s.base, env: { AUTOPOIETIC_ETC_DIR: s.etc } });
    expect(byRoot.code, byRoot.stderr).toBe(1);
    expect(byRoot.stderr).toContain(`error[host-policy-untrusted]: host policy ${s.policy} could have been written by another user: file ${s.policy} is owned by uid ${NOBODY}, not by root: that user can change it`);
    expect(byRoot.stderr).toContain(`hint: Give it to root: \`chown root ${s.policy}\`.`);
    const byNobody = runCliVia(AS_NOBODY, 'mutation-journal', ['list', 'mutations'], { cwd: s.base, env: { AUTOPOIETIC_ETC_DIR: s.etc, HOME: '/nonexistent' } });
    expect([byNobody.code, byNobody.stdout.trim()], byNobody.stderr).toEqual([0, '[]']);
    // A third user's file is refused by nobody, naming the reader.
    chownSync(s.policy, 1000, 1000);
    const byOther = runCliVia(AS_NOBODY, 'mutation-journal', ['list', 'mutations'], { cwd: s.base, env: { AUTOPOIETIC_ETC_DIR: s.etc, HOME: '/nonexistent' } });
    expect(byOther.code, byOther.stderr).toBe(1);
    expect(byOther.stderr).toContain(`file ${s.policy} is owned by uid 1000, not by root or the user reading it (uid ${NOBODY}): that user can change it`);
    // Root's own file is trusted by every reader.
    chownSync(s.policy, 0, 0);
    const rootsFile = runCliVia(AS_NOBODY, 'mutation-journal', ['list', 'mutations'], { cwd: s.base, env: { AUTOPOIETIC_ETC_DIR: s.etc, HOME: '/nonexistent' } });
    expect([rootsFile.code, rootsFile.stdout.trim()], rootsFile.stderr).toEqual([0, '[]']);
  });

  it("uses a policy made under umask 002 (group-writable by root's own group), and refuses it when the group holds others", () => {
    // Debian and Ubuntu give users their own group and umask 002: group write by a group that
    // holds only the owner is harmless (Debian's OpenSSH allows it too). Root's group is root's alone.
    const s = setting();
    const root = fixtureGenome();
    const env = { AUTOPOIETIC_ETC_DIR: s.etc, AUTOPOIETIC_MEMORY_DIR: s.memory };
    const verify = () => runCli('mutation-runner', ['verify', '--proposal', readmeProposal(root), '--root', root], { cwd: root, env });
    writeFileSync(s.policy, JSON.stringify({ mode: 'observe-only' }));
    // As a normal user, the files stay the user's, in the group they were made with: its own
    // group under Debian's user private groups, which the rule must find holds only that user.
    if (AS_ROOT) {
      chownSync(s.etc, 0, 0);
      chownSync(s.policy, 0, 0);
    }
    chmodSync(s.etc, 0o775);
    chmodSync(s.policy, 0o664);
    const used = verify();
    expect([used.code, used.stderr]).toEqual([1, expect.stringContaining('error[mode-forbidden]: verify needs autonomy mode mutate-draft or higher')]);
    // Only root can give a file to a group its owner is not in.
    if (!AS_ROOT) return;
    // nogroup: nobody's group, not root's.
    chownSync(s.policy, 0, NOBODY);
    expect(verify().stderr).toContain(`error[host-policy-untrusted]: host policy ${s.policy} could have been written by another user: file ${s.policy} is writable by its group (gid ${NOBODY}, mode 0664), which holds other users than its owner`);
  });

  it('refuses a policy saved with a byte-order mark, naming it and the command that removes it', () => {
    const s = setting();
    writeFileSync(s.policy, `\uFEFF${JSON.stringify({ mode: 'autopoiesis' })}`, { mode: 0o644 });
    const r = runCli('os-introspect', ['--root', fixtureGenome()], { env: { AUTOPOIETIC_ETC_DIR: s.etc } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error[host-policy-invalid]: host policy ${s.policy} starts with a byte-order mark (U+FEFF), which JSON does not allow`);
    expect(r.stderr).toContain(`hint: Remove the BOM with \`sed -i '1s/^\\xEF\\xBB\\xBF//' ${s.policy}\``);
  });
});

describe('a --policy file another user could change is not used: its operator checks would run as the caller', () => {
  /** <tmp>/ops (0755) holding policy.json (0644) with an operator check that leaves `<tmp>/ran`. */
  function operatorPolicy() {
    const base = tempDir('aos-extra-policy-');
    chmodSync(base, 0o755);
    const ops = join(base, 'ops');
    mkdirSync(ops, { mode: 0o755 });
    const policy = join(ops, 'policy.json');
    const ran = join(base, 'ran');
    writeFileSync(policy, JSON.stringify({ operator_checks: [{ name: 'mark', command: 'touch', args: [ran] }] }), { mode: 0o644 });
    return { base, ops, policy, ran, memory: join(base, 'memory') };
  }

  it('verify refuses a world-writable one (exit 2, before any work: its check never runs, nothing journaled), and uses it once only its owner can write it', () => {
    const p = operatorPolicy();
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const verify = () => runCli('mutation-runner', ['verify', '--proposal', proposal, '--root', root, '--memory-dir', p.memory, '--policy', p.policy], { cwd: root });
    chmodSync(p.policy, 0o666);
    const refused = verify();
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(`error[policy-untrusted]: policy file ${p.policy} (--policy) could have been written by another user: file ${p.policy} is writable by every user (mode 0666)`);
    expect(refused.stderr).toContain(`hint: Remove that write permission: \`chmod o-w ${p.policy}\`. Its operator_checks run exactly as written, as the user running this command`);
    expect(existsSync(p.ran)).toBe(false);
    expect(existsSync(join(p.memory, 'mutation-results.jsonl'))).toBe(false);
    // The same file, once only its owner can write it: the operator check runs.
    chmodSync(p.policy, 0o644);
    const used = verify();
    expect(used.code, used.stderr).toBe(0);
    expect(used.json().checks.find((c: any) => c.name === 'operator:mark')?.status).toBe('passed');
    expect(existsSync(p.ran)).toBe(true);
    expect(git(root, ['status', '--porcelain', '--untracked-files=all'])).toBe('');
  });

  it('refuses one in a directory others can write, one another user owns, and a link another user owns, naming that object; promote and evolve too', () => {
    const p = operatorPolicy();
    const root = fixtureGenome();
    const proposal = readmeProposal(root);
    const gates: [string, string[]][] = [
      ['verify', ['--proposal', proposal]],
      ['promote', ['--proposal', proposal, '--parent-genome', 'git:HEAD']],
      ['evolve', ['--goal', 'make the README say hello', '--generator', 'true', '--attempts', '1']],
    ];
    const refusal = (gate: string, args: string[], policy = p.policy) => {
      const r = runCli('mutation-runner', [gate, ...args, '--root', root, '--memory-dir', p.memory, '--policy', policy], { cwd: root });
      expect([r.code, r.stdout], `${gate}: ${r.stderr}`).toEqual([2, '']);
      return r.stderr;
    };
    chmodSync(p.ops, 0o777);
    for (const [gate, args] of gates) {
      expect(refusal(gate, args)).toContain(`error[policy-untrusted]: policy file ${p.policy} (--policy) could have been written by another user: directory ${p.ops} is writable by every user (mode 0777)`);
    }
    // Only root can give the file or a link to another user.
    if (!AS_ROOT) {
      expect(existsSync(p.ran)).toBe(false);
      expect(existsSync(p.memory)).toBe(false);
      return;
    }
    // Sticky, as /tmp: others may add files there, but not replace this one.
    chmodSync(p.ops, 0o1777);
    chownSync(p.policy, NOBODY, NOBODY);
    expect(refusal('verify', gates[0]![1])).toContain(`file ${p.policy} is owned by uid ${NOBODY}, not by root: that user can change it`);
    chownSync(p.policy, 0, 0);
    const link = join(p.base, 'policy-link.json');
    symlinkSync(p.policy, link);
    lchownSync(link, NOBODY, NOBODY);
    const linked = refusal('verify', gates[0]![1], link);
    expect(linked).toContain(`symbolic link ${link} is owned by uid ${NOBODY}, not by root: that user can change it`);
    expect(linked).toContain(`hint: Give it to root: \`chown -h root ${link}\``);
    expect(existsSync(p.ran)).toBe(false);
    expect(existsSync(p.memory)).toBe(false);
  });
});
