import type { CommandResult } from '@autopoietic/core/adapters';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '@autopoietic/core/schemas';
import { parseNixVersion } from '@autopoietic/core/adapters';
import { classifyCheck, isAttrName } from './allowlist.js';
import { defaultFlakeCheck, plannedOperatorCheck, plannedProposalCheck, timeoutFor, type PlanContext } from './plan.js';
import { runChecks, logName, toCheckResult } from './run.js';
import { verdictOf } from './status.js';
import { terminalProgress } from './progress.js';
import { tempDir } from '../../../../tests/support/tmp.js';

const ok = (command: string, args?: string[]) => {
  const v = classifyCheck({ name: 'c', command, ...(args ? { args } : {}) });
  return v.ok;
};

describe('check allowlist', () => {
  it('allows the vocabulary and nothing else', () => {
    expect(ok('true')).toBe(true);
    expect(ok('false')).toBe(true);
    expect(ok('test', ['-f', 'a/b.nix'])).toBe(true);
    expect(ok('test', ['!', '-e', 'memory/evidence/x'])).toBe(true);
    expect(ok('nix', ['flake', 'check'])).toBe(true);
    expect(ok('nix', ['flake', 'check', '.', '--no-build', '--keep-going'])).toBe(true);
    expect(ok('nix', ['build', '.#checks.x86_64-linux.seed-smoke'])).toBe(true);
    expect(ok('nix', ['eval', '--json', '.#nixosConfigurations.seed.config.networking.hostName'])).toBe(true);
    expect(ok('nix-instantiate', ['--eval', '--strict', '--json', 'lib/x.nix'])).toBe(true);
    expect(ok('nix-instantiate', ['--parse', 'flake.nix'])).toBe(true);
    for (const [command, args] of [
      ['sh', ['-c', 'true']],
      ['true', ['x']],
      ['test', ['-f', '/etc/passwd']],
      ['test', ['-f', '../x']],
      ['nix', ['flake', 'check', '--override-input', 'x', 'y']],
      ['nix', ['build', 'nixpkgs#hello']],
      ['nix', ['build', '.#a', '.#b']],
      ['nix', ['build', '--impure', '.#a']],
      ['nix', ['build', '.#a.${x}']],
      ['nix', ['eval', '--expr', '1']],
      ['nix', ['run', '.#x']],
      ['nix', ['shell']],
      ['nix-instantiate', ['--eval', '--parse', 'a.nix']],
      ['nix-instantiate', ['--eval', 'a.txt']],
      ['nix-instantiate', ['--eval', 'a.nix.sh']],
      ['nix-instantiate', ['--eval', '--option', 'x', 'y', 'a.nix']],
      ['nix-instantiate', ['--parse', '--strict', 'a.nix']],
      ['/usr/bin/true', []],
    ] as [string, string[]][]) {
      expect(ok(command, args), `${command} ${args.join(' ')}`).toBe(false);
    }
  });

  it('says which check and why', () => {
    const v = classifyCheck({ name: 'b', command: 'nix', args: ['build', 'nixpkgs#hello'] });
    expect(v).toEqual({ ok: false, reason: 'check "b": command \'nix build nixpkgs#hello\' is not allowed in P1 offline verification: "nixpkgs#hello" is not an attribute of the candidate flake (write .#attr.path)' });
  });

  it('says what is wrong with a test path, in the words of the rule (./x "is not a relative path inside the candidate" read as false)', () => {
    expect(classifyCheck({ name: 't', command: 'test', args: ['-f', './modules/motd.nix'] })).toEqual({
      ok: false,
      reason: 'check "t": command \'test -f ./modules/motd.nix\' is not allowed in P1 offline verification: argument "./modules/motd.nix" is not a normalized relative path (write paths relative to the genome root, without ./ or ..)',
    });
    expect(classifyCheck({ name: 't', command: 'test', args: ['-f', '../x'] })).toMatchObject({ reason: expect.stringContaining('argument "../x" leaves the genome (".." component)') });
  });

  it('knows Nix attribute names', () => {
    expect(isAttrName('seed-smoke')).toBe(true);
    expect(isAttrName("a'b_c")).toBe(true);
    for (const bad of ['', '1a', '-a', 'a.b', 'a b', 'a;b', '"a"', 'a${b}']) expect(isAttrName(bad)).toBe(false);
  });
});

describe('planning', () => {
  const ctx: PlanContext = { candidateDir: '/c', nix: parseNixVersion('nix (Nix) 2.8.0'), pass: { options: [['cores', '2']] }, timeouts: { base: 100, byName: { named: 5 } } };

  it('rewrites .#attr to the candidate flake and adds what Nix needs', () => {
    const v = classifyCheck({ name: 'b', command: 'nix', args: ['build', '.#checks.x.y'] });
    if (!v.ok) throw new Error(v.reason);
    const p = plannedProposalCheck({ name: 'b', command: 'nix', args: ['build', '.#checks.x.y'] }, v.shape, ctx);
    expect(p.args).toEqual(['--extra-experimental-features', 'nix-command flakes', '--option', 'cores', '2', 'build', '--no-link', '--no-write-lock-file', '--json', '/c#checks.x.y']);
    expect(p.buildsOutPaths).toBe(true);
  });

  it('checks every system with a Nix whose flake check would otherwise skip the others (the default check and a proposal flake check)', () => {
    const current: PlanContext = { ...ctx, nix: { ...parseNixVersion('nix (Nix) 2.26.3'), flakeCheckAllSystems: true } };
    const check = { name: 'f', command: 'nix', args: ['flake', 'check', '--keep-going'] };
    const v = classifyCheck(check);
    if (!v.ok) throw new Error(v.reason);
    for (const planned of [defaultFlakeCheck(current), plannedProposalCheck(check, v.shape, current)]) {
      expect(planned.args).toContain('--all-systems');
      expect(planned.args.at(-1)).toBe('/c');
    }
    for (const planned of [defaultFlakeCheck(ctx), plannedProposalCheck(check, v.shape, ctx)]) expect(planned.args).not.toContain('--all-systems');
  });

  it('evaluates nix-instantiate --eval in restricted mode with only the candidate on the search path', () => {
    const check = { name: 'e', command: 'nix-instantiate', args: ['--eval', 'a.nix'] };
    const v = classifyCheck(check);
    if (!v.ok) throw new Error(v.reason);
    expect(plannedProposalCheck(check, v.shape, ctx).args).toEqual(['--option', 'restrict-eval', 'true', '-I', '/c', '--option', 'cores', '2', '--eval', 'a.nix']);
  });

  it('times checks: policy names win, operators may extend, proposals may only shorten', () => {
    const t = { base: 100, byName: { named: 5 } };
    expect(timeoutFor('named', 'proposal', 1000, t)).toBe(5);
    expect(timeoutFor('x', 'proposal', 1000, t)).toBe(100);
    expect(timeoutFor('x', 'proposal', 10, t)).toBe(10);
    expect(timeoutFor('x', 'operator', 1000, t)).toBe(1000);
    expect(timeoutFor('x', 'default', undefined, t)).toBe(100);
    expect(plannedOperatorCheck({ name: 'named', command: 'x', timeout_seconds: 60 }, ctx)).toMatchObject({ name: 'operator:named', timeoutMs: 5000 });
  });
});

describe('verdicts', () => {
  const c = (status: CheckResult['status'], reason?: string): CheckResult => ({ name: status, command: 'x', status, exit_code: null, stdout: '', stderr: '', ...(reason ? { reason } : {}) });
  it('passes only when every check passed, rejects on any failure, errors otherwise, never passes on nothing', () => {
    expect(verdictOf([c('passed'), c('passed')])).toEqual({ kind: 'pass' });
    expect(verdictOf([c('passed'), c('failed'), c('error', 'timeout')])).toEqual({ kind: 'reject', failed: ['failed'] });
    expect(verdictOf([c('passed'), c('error', 'timeout')])).toEqual({ kind: 'error', errored: ['error (timeout)'] });
    expect(verdictOf([]).kind).toBe('error');
  });

  it('never passes a check that errored without a reason', () => {
    expect(verdictOf([c('passed'), c('error')])).toEqual({ kind: 'error', errored: ['error (error)'] });
  });
});

describe('running checks', () => {
  it('maps outcomes to statuses and reasons', () => {
    const base: Omit<CommandResult, 'outcome' | 'exitCode'> = { command: 'x', args: [], signal: null, durationMs: 1, stdout: '', stderr: '', stdoutBytes: 0, stderrBytes: 0 };
    expect(toCheckResult('a', { ...base, outcome: 'exited', exitCode: 0 }).status).toBe('passed');
    expect(toCheckResult('a', { ...base, outcome: 'exited', exitCode: 3 })).toMatchObject({ status: 'failed', exit_code: 3 });
    expect(toCheckResult('a', { ...base, outcome: 'exited', exitCode: null, signal: 'SIGSEGV' })).toMatchObject({ status: 'error', reason: expect.stringMatching(/^killed by SIGSEGV before it finished/) });
    expect(toCheckResult('a', { ...base, outcome: 'timeout', exitCode: null }, 5000)).toMatchObject({ status: 'error', reason: 'timeout after 5 s' });
    expect(toCheckResult('a', { ...base, outcome: 'spawn-failed', exitCode: null, spawnError: 'ENOENT: x' })).toMatchObject({ status: 'error', reason: 'spawn-failed: ENOENT: x' });
  });

  it('names the remedy for a log that could not be written by the errno it failed with', () => {
    const base: CommandResult = { command: 'x', args: [], outcome: 'cancelled', exitCode: null, signal: null, durationMs: 1, stdout: '', stderr: '', stdoutBytes: 0, stderrBytes: 0 };
    const reason = (logError: string, logErrorCode?: string) => toCheckResult('a', { ...base, logError, ...(logErrorCode ? { logErrorCode } : {}) }).reason;
    expect(reason('/m/logs/01-a.stdout.log: EFBIG: file too large, write', 'EFBIG')).toBe(
      "cannot write the check's log /m/logs/01-a.stdout.log: EFBIG: file too large, write: no verdict. The file reached the largest size this process may write (EFBIG): raise the file-size limit (`ulimit -f`, or the service's LimitFSIZE=), then retry.",
    );
    expect(reason('/m/l: EROFS: read-only file system, write', 'EROFS')).toMatch(/no verdict\. The memory directory is on a read-only file system \(EROFS\): remount it read-write/);
    expect(reason('/m/l: EIO: i/o error, write', 'EIO')).toMatch(/no verdict\. Check that the memory directory is writable and has free space, then verify again\.$/);
    expect(toCheckResult('a', { ...base, logError: 'x' }).status).toBe('error');
  });

  it('keeps plan order and logs each check under an ordered, safe name', async () => {
    const dir = tempDir();
    const nix = parseNixVersion('nix (Nix) 2.8.0');
    const mk = (name: string, script: string) => ({ name, command: 'sh', args: ['-c', script], origin: 'operator' as const, timeoutMs: 10_000, nix: false, buildsOutPaths: false });
    const results = await runChecks([mk('slow one', 'sleep 0.3; echo a'), mk('fast/two', 'echo b')], { cwd: dir, env: process.env, jobs: 2, failFast: false, logDir: dir, firstIndex: 1, nix });
    expect(results.map((r) => [r.name, r.stdout])).toEqual([['slow one', 'a\n'], ['fast/two', 'b\n']]);
    expect(logName(1, 'slow one')).toBe('01-slow_one');
    expect(logName(12, 'vm-check:x')).toBe('12-vm-check_x');
  });

  it('with failFast, a check that errors (not only one that fails) stops the rest', async () => {
    const dir = tempDir();
    const nix = parseNixVersion('nix (Nix) 2.8.0');
    const mk = (name: string, command: string, args: string[]) => ({ name, command, args, origin: 'operator' as const, timeoutMs: 10_000, nix: false, buildsOutPaths: false });
    const results = await runChecks([mk('missing', 'aos-no-such-command', []), mk('later', 'sh', ['-c', 'echo ran'])], { cwd: dir, env: process.env, jobs: 1, failFast: true, logDir: dir, firstIndex: 1, nix });
    expect(results.map((r) => [r.name, r.status, r.reason?.replace(/:.*/, '')])).toEqual([['missing', 'error', 'spawn-failed'], ['later', 'error', 'not-run']]);
    expect(results[1]).toMatchObject({ reason: 'not-run: fail-fast after missing did not pass', stdout: '' });
  });
});

describe('terminal progress', () => {
  it('prints check and build events, throttled per check', () => {
    const lines: string[] = [];
    const p = terminalProgress((l) => lines.push(l), 10_000);
    p.started('nix-flake-check');
    const ev = p.forCheck('nix-flake-check');
    ev({ kind: 'build-start', what: '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-a.drv', running: 1, done: 0 });
    ev({ kind: 'build-start', what: '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-b.drv', running: 2, done: 0 });
    ev({ kind: 'build-done', what: '/nix/store/0123456789abcdfghijklmnpqrsvwxyz-a.drv', running: 1, done: 1 });
    p.finished('nix-flake-check', 'passed');
    expect(lines.map((l) => l.replace(/^\s*[\d.]+s /, ''))).toEqual([
      'nix-flake-check: started',
      'nix-flake-check: building a.drv (0 built, 1 running)',
      'nix-flake-check: built a.drv (1 built, 1 running)',
      'nix-flake-check: passed',
    ]);
  });
});
