// How P1 runs its checks: real nix flake check on passing and failing fixture flakes, timeouts
// that kill a check's whole process tree, parallel jobs, fail-fast, a cleaned environment, a
// missing nix, the operator policy, and the autonomy mode.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/support/cli.js';
import { TEST_NIX_CONFIG } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { fixtureGenome, ledger, makePatch, memoryDir, readmeProposal, runner, writeProposal } from './support.js';

function verify(root: string, proposal: string, extra: string[] = [], env: Record<string, string> = {}) {
  const mem = memoryDir();
  const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem, ...extra], { env });
  return { ...r, mem };
}

/** Where `tool` is on this machine's PATH (to link into a PATH that lacks something else). */
function execPathOf(tool: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tool} is not on PATH`);
  return r.stdout.trim();
}

function policyFile(policy: unknown): string {
  const file = join(tempDir('aos-policy-'), 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('real nix flake check', () => {
  it('rejects a genome whose flake check fails, with the builder output in the tail and the log', () => {
    const root = fixtureGenome('broken-genome');
    const r = verify(root, readmeProposal(root));
    expect(r.code).toBe(1);
    const flake = r.json().checks.find((c: any) => c.name === 'nix-flake-check');
    expect(flake.status).toBe('failed');
    expect(flake.exit_code).not.toBe(0);
    expect(flake.stderr).toContain('always-fails: this check fails on purpose');
    expect(readFileSync(flake.stderr_log.path, 'utf8')).toContain('always-fails');
    expect(r.json().status).toBe('rejected');
  });

  it('rejects a patch that breaks a passing genome', () => {
    const root = fixtureGenome();
    const { patch } = makePatch(root, (w) => writeFileSync(join(w, 'BROKEN'), 'yes\n'));
    const r = verify(root, writeProposal({ changed_paths: ['BROKEN'], patch }));
    expect(r.json().status).toBe('rejected');
    expect(r.json().checks[1].stderr).toContain('seed-smoke: BROKEN marker present');
  });

  it('sees files the patch creates (the candidate is staged before nix runs)', () => {
    const root = fixtureGenome();
    const { patch } = makePatch(root, (w) => writeFileSync(join(w, 'hosts/seed.nix'), '{ host = "seed-02"; mode = "mutate-vm"; }\n'));
    const r = verify(root, writeProposal({ changed_paths: ['hosts/seed.nix'], patch, expected_checks: [{ name: 'host', command: 'nix-instantiate', args: ['--eval', '--strict', '--json', 'hosts/seed.nix'] }] }));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.json().checks.find((c: any) => c.name === 'host').stdout).host).toBe('seed-02');
  });
});

describe('timeouts', () => {
  it('kills a timed-out check together with the children it spawned, and records error / timeout', () => {
    const root = fixtureGenome();
    const pids = join(tempDir(), 'pids');
    const policy = policyFile({ operator_checks: [{ name: 'hang', command: 'sh', args: ['-c', `sleep 300 & echo $! >> ${pids}; sh -c 'sleep 300 & echo $! >> ${pids}; wait' & wait`], timeout_seconds: 1 }] });
    const t0 = Date.now();
    const r = verify(root, readmeProposal(root), ['--policy', policy]);
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r.code).toBe(1);
    const record = r.json();
    const hang = record.checks.find((c: any) => c.name === 'operator:hang');
    expect(hang).toMatchObject({ status: 'error', exit_code: null, reason: 'timeout after 1 s' });
    expect(record.status).toBe('error');
    expect(record.reason).toContain('operator:hang (timeout after 1 s)');
    const spawned = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(spawned).toHaveLength(2);
    expect(spawned.filter(alive)).toEqual([]);
  });

  it('kills a daemon a passing check leaves behind in its own session (setsid), and says so', () => {
    const root = fixtureGenome();
    const pids = join(tempDir(), 'pids');
    const policy = policyFile({ operator_checks: [{ name: 'daemon', command: 'sh', args: ['-c', `setsid sh -c 'echo $$ >> ${pids}; exec sleep 300' < /dev/null > /dev/null 2>&1 & while [ ! -s ${pids} ]; do sleep 0.01; done`] }] });
    const r = verify(root, readmeProposal(root), ['--policy', policy]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().checks.find((c: any) => c.name === 'operator:daemon').status).toBe('passed');
    const daemon = Number(readFileSync(pids, 'utf8').trim());
    expect(alive(daemon)).toBe(false);
    expect(r.stderr).toContain('check operator:daemon left 1 process(es) running outside its process group (setsid): killed');
  });

  it('applies --timeout as the default and lets the policy name a check', () => {
    const root = fixtureGenome();
    const policy = policyFile({ operator_checks: [{ name: 'slow', command: 'sleep', args: ['30'] }], check_timeouts: { 'nix-flake-check': 600 } });
    const r = verify(root, readmeProposal(root), ['--policy', policy, '--timeout', '1']);
    const byName = Object.fromEntries(r.json().checks.map((c: any) => [c.name, c]));
    expect(byName['operator:slow'].reason).toBe('timeout after 1 s');
    expect(byName['nix-flake-check'].status).toBe('passed');
  });

  it('treats a timeout beyond what a timer can hold (~24.8 days) as that longest one, not as 1 ms', () => {
    // Node fires a setTimeout longer than 2^31-1 ms after 1 ms: every check "timed out" at once.
    const root = fixtureGenome();
    const policy = policyFile({ operator_checks: [{ name: 'short', command: 'sleep', args: ['0.2'] }], check_timeouts: { 'operator:short': 1e12 } });
    const r = verify(root, readmeProposal(root), ['--policy', policy, '--timeout', '99999999999']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().checks.map((c: any) => c.status)).toEqual(['passed', 'passed', 'passed']);
    expect(r.stderr).not.toContain('TimeoutOverflowWarning');
  });
});

describe('parallelism and fail-fast', () => {
  function intervalsCheck(dir: string, name: string) {
    return { name, command: 'sh', args: ['-c', `date +%s.%N > ${dir}/${name}.start; sleep 1.5; date +%s.%N > ${dir}/${name}.end`] };
  }
  function overlap(dir: string, a: string, b: string): boolean {
    const t = (n: string, k: string) => Number(readFileSync(join(dir, `${n}.${k}`), 'utf8'));
    return t(a, 'start') < t(b, 'end') && t(b, 'start') < t(a, 'end');
  }

  it('runs independent checks concurrently up to --jobs, and one at a time with --jobs 1', () => {
    const root = fixtureGenome();
    const dir = tempDir();
    const policy = policyFile({ operator_checks: [intervalsCheck(dir, 'a'), intervalsCheck(dir, 'b')] });
    expect(verify(root, readmeProposal(root), ['--policy', policy, '--jobs', '3']).code).toBe(0);
    expect(overlap(dir, 'a', 'b')).toBe(true);
    const dir1 = tempDir();
    const policy1 = policyFile({ operator_checks: [intervalsCheck(dir1, 'a'), intervalsCheck(dir1, 'b')] });
    const r = verify(root, readmeProposal(root), ['--policy', policy1, '--jobs', '1']);
    expect(r.code).toBe(0);
    expect(overlap(dir1, 'a', 'b')).toBe(false);
    // Results stay in plan order whatever the completion order.
    expect(r.json().checks.map((c: any) => c.name)).toEqual(['apply-patch', 'nix-flake-check', 'operator:a', 'operator:b']);
  });

  it('with --fail-fast cancels running checks and never starts the rest', () => {
    const root = fixtureGenome();
    const policy = policyFile({ operator_checks: [{ name: 'slow', command: 'sleep', args: ['60'] }, { name: 'fails', command: 'sh', args: ['-c', 'sleep 0.5; exit 2'] }, { name: 'later', command: 'true' }] });
    const t0 = Date.now();
    // Two workers: the flake check passes quickly, `fails` takes its place and fails while `slow` runs.
    const r = verify(root, readmeProposal(root), ['--policy', policy, '--jobs', '2', '--fail-fast']);
    expect(Date.now() - t0).toBeLessThan(30_000);
    const byName = Object.fromEntries(r.json().checks.map((c: any) => [c.name, c]));
    expect(byName['operator:fails']).toMatchObject({ status: 'failed', exit_code: 2 });
    expect(byName['operator:slow']).toMatchObject({ status: 'error', reason: 'cancelled: fail-fast after operator:fails did not pass' });
    expect(byName['operator:later']).toMatchObject({ status: 'error', reason: 'not-run: fail-fast after operator:fails did not pass' });
    expect(r.json().status).toBe('rejected');
  });

  it('refuses a bad --jobs value as a usage error', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root), ['--jobs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--jobs must be a positive whole number');
  });
});

describe('environment and tools', () => {
  it('runs checks with a cleaned environment', () => {
    const root = fixtureGenome();
    const policy = policyFile({ operator_checks: [{ name: 'env', command: 'sh', args: ['-c', 'test -z "$AOS_SECRET" && test -z "$GIT_DIR" && test -n "$PATH"'] }] });
    const r = verify(root, readmeProposal(root), ['--policy', policy], { AOS_SECRET: 'hunter2', GIT_DIR: '/nonexistent' });
    expect(r.code, r.stdout).toBe(0);
  });

  it('records a missing git as error with its remedy, in the record and in the stderr line a CI log shows', () => {
    const root = fixtureGenome();
    const bin = tempDir('aos-bin-');
    for (const tool of ['nix', 'sh']) symlinkSync(execPathOf(tool), join(bin, tool));
    const r = verify(root, readmeProposal(root), [], { PATH: bin });
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('error');
    expect(record.reason).toMatch(/^failed to create isolated candidate: cannot run git: .*ENOENT.*\. Install git and make sure it is on PATH\.$/);
    expect(r.stderr).toContain(`proposal errored: ${record.reason}`);
  });

  it('records a missing nix as error, never verified', () => {
    const root = fixtureGenome();
    const bin = tempDir('aos-bin-');
    for (const tool of ['git', 'sh', 'test', 'true', 'false']) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    const r = verify(root, readmeProposal(root, { expected_checks: [{ name: 'readme', command: 'test', args: ['-f', 'README.md'] }] }), [], { PATH: bin });
    expect(r.code).toBe(1);
    const record = r.json();
    expect(record.status).toBe('error');
    expect(record.nix_version).toBeNull();
    const flake = record.checks.find((c: any) => c.name === 'nix-flake-check');
    expect(flake).toMatchObject({ status: 'error', exit_code: null });
    expect(flake.reason).toMatch(/^nix-unusable: could not start nix: .*ENOENT/);
    expect(record.checks.find((c: any) => c.name === 'readme').status).toBe('passed');
  });

  // A `nix` earlier on PATH that exits 0 without doing anything must not vouch for a candidate.
  function fakeNix(script: string): string {
    const bin = tempDir('aos-fake-nix-');
    writeFileSync(join(bin, 'nix'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return `${bin}:${process.env.PATH}`;
  }

  it('records a nix that does not say which Nix it is as error, and runs no Nix check with it', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root, { expected_checks: [{ name: 'readme', command: 'test', args: ['-f', 'README.md'] }] }), [], { PATH: fakeNix('exit 0') });
    expect(r.code, r.stderr).toBe(1);
    const record = r.json();
    expect(record.status).toBe('error');
    expect(record.nix_version).toBeNull();
    const flake = record.checks.find((c: any) => c.name === 'nix-flake-check');
    expect(flake).toMatchObject({ status: 'error', exit_code: null });
    expect(flake.reason).toContain('nix-unusable: unrecognised nix --version output');
    expect(record.checks.find((c: any) => c.name === 'readme').status).toBe('passed');
  });

  it('records a nix build that exits 0 without naming an output as error, not passed', () => {
    const root = fixtureGenome();
    const build = { name: 'smoke', command: 'nix', args: ['build', '.#checks.x86_64-linux.seed-smoke'] };
    const path = fakeNix('[ "$1" = --version ] && echo "nix (Nix) 2.8.0"; exit 0');
    const r = verify(root, readmeProposal(root, { expected_checks: [build] }), [], { PATH: path });
    expect(r.code, r.stderr).toBe(1);
    expect(r.json().status).toBe('error');
    const check = r.json().checks.find((c: any) => c.name === 'smoke');
    expect(check).toMatchObject({ status: 'error', exit_code: 0, out_paths: [] });
    expect(check.reason).toContain('exited 0 but named no output path');
  });

  it('passes --nix-option through to nix', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root), ['--nix-option', 'max-jobs=1', '--nix-option', 'cores=1']);
    expect(r.code, r.stderr).toBe(0);
    const args = r.json().checks[1].args;
    expect(args.slice(0, 8)).toEqual(['--extra-experimental-features', 'nix-command flakes', '--option', 'max-jobs', '1', '--option', 'cores', '1']);
    expect(verify(root, readmeProposal(root), ['--nix-option', 'nonsense']).code).toBe(2);
  });
});

describe('autonomy mode and operator policy', () => {
  function etc(mode: string, extra: Record<string, unknown> = {}): string {
    const dir = tempDir('aos-etc-');
    writeFileSync(join(dir, 'mutation-runner.json'), JSON.stringify({ mode, ...extra }));
    return dir;
  }

  it('refuses verify in observe-only: exit 1, nothing journaled, nothing run', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root), ['--etc-dir', etc('observe-only')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[mode-forbidden]');
    expect(r.stderr).toContain('verify needs autonomy mode mutate-draft');
    expect(existsSync(r.mem)).toBe(false);
  });

  it('allows verify in mutate-draft and runs the host policy operator checks', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root), ['--etc-dir', etc('mutate-draft', { operator_checks: [{ name: 'lint', command: 'test', args: ['-f', 'flake.nix'] }] })]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json().checks.map((c: any) => c.name)).toContain('operator:lint');
  });

  it('refuses a --policy file inside the genome, where a proposal could change it', () => {
    const root = fixtureGenome();
    mkdirSync(join(root, 'ops'));
    writeFileSync(join(root, 'ops', 'policy.json'), '{}');
    const r = verify(root, readmeProposal(root), ['--policy', join(root, 'ops', 'policy.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('policy-inside-genome');
    expect(ledger(join(r.mem, 'mutation-results.jsonl'))).toEqual([]);
  });

  it('refuses a protected_paths rule that no patch path can match (./, a leading /, //), which protected nothing, before any work', () => {
    const root = fixtureGenome();
    for (const rule of ['./README.md', '/README.md', 'docs//x', '']) {
      const r = verify(root, readmeProposal(root), ['--etc-dir', etc('mutate-draft', { protected_paths: ['secrets', rule] })]);
      expect(r.code, rule).toBe(1);
      expect(r.stderr).toContain('error[host-policy-invalid]');
      expect(r.stderr).toContain(`protected_paths rule ${JSON.stringify(rule)}`);
      expect(existsSync(r.mem)).toBe(false);
    }
    const r = verify(root, readmeProposal(root), ['--policy', policyFile({ protected_paths: ['./README.md'] })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[policy-invalid]');
    expect(r.stderr).toContain('protected_paths rule "./README.md" is not a normalized relative path');
    expect(existsSync(r.mem)).toBe(false);
    // The same rule written relative to the root protects the file (and a trailing / is fine).
    const ok = verify(root, readmeProposal(root), ['--etc-dir', etc('mutate-draft', { protected_paths: ['README.md/'] })]);
    expect(ok.code, ok.stderr).toBe(1);
    expect(ok.json().reason).toContain('is protected (host policy rule "README.md")');
  });

  it('refuses a --policy file with a key given twice (JSON.parse kept the last protected_paths, an empty one)', () => {
    const root = fixtureGenome();
    const file = join(tempDir('aos-policy-'), 'policy.json');
    writeFileSync(file, '{"protected_paths":["README.md"],"protected_paths":[]}');
    const r = verify(root, readmeProposal(root), ['--policy', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[policy-invalid]: policy file ${file} is invalid: key "protected_paths" is given twice in the top-level object`);
    expect(existsSync(r.mem)).toBe(false);
  });

  it('refuses a --policy file that tries to set the mode', () => {
    const root = fixtureGenome();
    const r = verify(root, readmeProposal(root), ['--policy', policyFile({ mode: 'autopoiesis' })]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the mode and memory_dir come only from the host policy');
  });
});

describe('progress', () => {
  it('shows Nix build progress on a terminal, and keeps the logs readable', () => {
    const root = fixtureGenome();
    // Unique content, so that Nix really builds seed-smoke (its source changes).
    const proposal = readmeProposal(root, {}, `progress ${Date.now()} ${Math.random()}\n`);
    const mem = memoryDir();
    const bin = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');
    const cmd = `${process.execPath} ${bin} verify --proposal ${proposal} --root ${root} --memory-dir ${mem} > ${mem}.out`;
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NIX_CONFIG: TEST_NIX_CONFIG, AUTOPOIETIC_LOG_LEVEL: 'error', AUTOPOIETIC_ETC_DIR: '/nonexistent' } });
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout, r.stdout).toMatch(/nix-flake-check: started/);
    expect(r.stdout).toMatch(/nix-flake-check: (building|built) seed-smoke\.drv/);
    const record = JSON.parse(readFileSync(`${mem}.out`, 'utf8'));
    const flake = record.checks[1];
    expect(flake.args).toContain('internal-json');
    expect(flake.stderr).not.toContain('@nix');
    expect(flake.stderr).toContain("building '");
    expect(readdirSync(join(mem, 'logs', record.verification_id))).toHaveLength(4);
  });
});

describe('interruption', () => {
  it('on SIGTERM kills running checks and removes the candidate', async () => {
    const root = fixtureGenome();
    const work = tempDir();
    const pidFile = join(tempDir(), 'pid');
    const policy = policyFile({ operator_checks: [{ name: 'hang', command: 'sh', args: ['-c', `echo $$ > ${pidFile}; sleep 300`] }] });
    const bin = join(REPO_ROOT, 'packages', 'mutation-runner', 'bin', 'mutation-runner.js');
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bin, 'verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', memoryDir(), '--work-dir', work, '--policy', policy], {
      env: { ...process.env, NIX_CONFIG: TEST_NIX_CONFIG, AUTOPOIETIC_LOG_LEVEL: 'error', AUTOPOIETIC_ETC_DIR: '/nonexistent' },
      stdio: 'ignore',
    });
    const until = Date.now() + 30_000;
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') {
      if (Date.now() > until) throw new Error('the check never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    const checkPid = Number(readFileSync(pidFile, 'utf8'));
    expect(readdirSync(work)).toHaveLength(1);
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    const gone = Date.now() + 5000;
    while (alive(checkPid) && Date.now() < gone) await new Promise((r) => setTimeout(r, 25));
    expect(alive(checkPid)).toBe(false);
    expect(readdirSync(work)).toEqual([]);
  });
});
