// Failures of the machine, not of the proposal, during P1: a check killed by a signal (the
// out-of-memory killer's SIGKILL, a kill from outside, a crash of the tool), a Nix builder killed
// the same way, a disk that fills up under Nix or under the check logs. None of them says
// anything about the patch: the run is `error` (never `verified`, never `rejected`), the reason
// says what happened, and nothing is left behind. Real processes, real git, real Nix.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliVia } from '../../../tests/support/cli.js';
import { TEST_NIX_CONFIG } from '../../../tests/support/nix-env.js';
import { privateTempDir, tempDir } from '../../../tests/support/tmp.js';
import { onTmpfs } from '../../../tests/support/tmpfs.js';
import { makeUnwritable } from './fixtures/install/run.js';
import { fixtureGenome, ledger, memoryDir, readmeProposal, runner } from './support.js';

function policyFile(policy: unknown): string {
  const file = join(tempDir('aos-policy-'), 'policy.json');
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

/** A genome whose only flake check runs `script` as its builder (a new derivation per README). */
function genomeWithCheck(script: string): string {
  const flake = `{ outputs = { self }: { checks.x86_64-linux.seed-machine = derivation { name = "seed-machine"; system = "x86_64-linux"; builder = "/bin/sh"; src = self; args = [ "-c" ${JSON.stringify(script)} ]; }; }; }\n`;
  return fixtureGenome('genome', { 'flake.nix': flake });
}

/** A README change nobody made before, so Nix has to build the check again. */
function freshProposal(root: string): string {
  return readmeProposal(root, {}, `changed ${process.hrtime.bigint()}\n`);
}

function verify(root: string, proposal: string, extra: string[] = []) {
  const mem = memoryDir();
  const work = tempDir('aos-work-');
  const r = runner(['verify', '--proposal', proposal, '--root', root, '--memory-dir', mem, '--work-dir', work, ...extra]);
  return { ...r, mem, work };
}

function check(record: any, name: string): any {
  return record.checks.find((c: any) => c.name === name);
}

describe('a check killed by a signal', () => {
  it('is an error (kill -9 of its own, as the out-of-memory killer would), not a rejection', () => {
    const root = fixtureGenome();
    const policy = policyFile({ operator_checks: [{ name: 'oom', command: 'sh', args: ['-c', 'kill -9 $$'] }] });
    const r = verify(root, readmeProposal(root), ['--policy', policy]);
    expect(r.code, r.stderr).toBe(1);
    const record = r.json();
    expect(check(record, 'operator:oom')).toMatchObject({ status: 'error', exit_code: null });
    expect(check(record, 'operator:oom').reason).toMatch(/^killed by SIGKILL/);
    expect(record.status).toBe('error');
    expect(record.reason).toContain('operator:oom (killed by SIGKILL');
    expect(r.stderr).toContain('proposal errored');
    expect(ledger(join(r.mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['error']);
    expect(readdirSync(r.work)).toEqual([]);
  });
});

/**
 * Runs the built mutation-runner with `dir` on a fresh 1 MiB tmpfs (tests/support/tmpfs.ts), and
 * returns what it left in `dir` (listed before the namespace, and the tmpfs, go).
 */
function runnerOnSmallDisk(dir: string, args: string[], env: Record<string, string> = {}) {
  const listing = join(tempDir('aos-left-'), 'left');
  // mode=0755: Nix 2.34 refuses a world-writable build-dir (tmpfs roots are 1777 by default).
  const r = runCliVia(onTmpfs(dir, 'size=1m,mode=0755', { after: 'ls -A "$0" > "$AOS_LEFT"' }), 'mutation-runner', args, { env: { ...env, AOS_LEFT: listing } });
  const left = readFileSync(listing, 'utf8').split('\n').filter((n) => n !== '');
  return { ...r, left };
}

describe('a candidate that does not fit (work dir full)', () => {
  it('is an error naming the file, the full file system and ENOSPC once; nothing is left there', () => {
    const root = fixtureGenome('genome', { 'big.bin': Buffer.alloc(1536 * 1024, 7) });
    const small = tempDir('aos-small-');
    const mem = memoryDir();
    const r = runnerOnSmallDisk(small, ['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', mem, '--work-dir', small]);
    expect(r.code, r.stderr).toBe(1);
    const record = JSON.parse(r.stdout);
    expect(record.status).toBe('error');
    expect(record.reason).toBe(
      'failed to create isolated candidate: cannot copy big.bin into the candidate (its file system is full): ENOSPC: no space left on device, write. ' +
        'Free space where the candidate is made (--work-dir, else $TMPDIR), or give --work-dir a directory with room for a copy of the genome.',
    );
    expect(ledger(join(mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['error']);
    expect(r.left).toEqual([]);
  });
});

describe('a check log that cannot be written (memory dir full)', () => {
  const bigOutput = { operator_checks: [{ name: 'chatty', command: 'sh', args: ['-c', 'head -c 3000000 /dev/zero | tr "\\0" x; echo'] }] };

  it('makes the check an error naming ENOSPC and the log, without a crash; the candidate is removed', () => {
    const root = fixtureGenome();
    const small = tempDir('aos-small-');
    const journal = join(tempDir('aos-journal-'), 'results.jsonl');
    const work = tempDir('aos-work-');
    const args = ['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', small, '--journal', journal, '--work-dir', work, '--policy', policyFile(bigOutput)];
    const r = runnerOnSmallDisk(small, args);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.code, r.stderr).toBe(1);
    const record = JSON.parse(r.stdout);
    const chatty = check(record, 'operator:chatty');
    expect(chatty.status).toBe('error');
    expect(chatty.reason).toMatch(/^cannot write the check's log .*02-operator_chatty\.stdout\.log: ENOSPC/);
    // The remedy follows the errno the write failed with (here: free space, not permissions).
    expect(chatty.reason).toContain('no verdict. The file system holding the memory directory is full (ENOSPC): free space there');
    expect(chatty.stdout_log).toBeUndefined(); // a log cut short is no evidence
    expect(record.status).toBe('error');
    expect(ledger(journal).map((x) => x.status)).toEqual(['error']);
    expect(readdirSync(work)).toEqual([]);
    expect(r.left).toEqual(['logs']); // the cut log was removed, its directory stays
  });
});

describe('check logs that cannot be created (the logs directory refuses new entries)', () => {
  it('journals an error naming the directory and the remedy, and runs nothing (it stopped with error[mkdir-failed] and no record)', () => {
    const root = fixtureGenome();
    const mem = memoryDir();
    const work = tempDir('aos-work-');
    mkdirSync(join(mem, 'logs'), { recursive: true });
    const undo = makeUnwritable(join(mem, 'logs'));
    let r: ReturnType<typeof runner>;
    try {
      r = runner(['verify', '--proposal', readmeProposal(root), '--root', root, '--memory-dir', mem, '--work-dir', work]);
    } finally {
      undo();
    }
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toContain('error[');
    const record = r.json();
    expect(record.status).toBe('error');
    expect(record.reason).toMatch(/cannot write the check's log .*00-apply-patch\.stdout\.log: cannot create directory .*\((EPERM|EACCES)\): no verdict\. This user may not write there/);
    expect(record.checks.map((c: any) => [c.name, c.status])).toEqual([['apply-patch', 'error']]);
    expect(ledger(join(mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['error']);
    expect(readdirSync(work)).toEqual([]);
  });
});

/**
 * Nix configuration that makes a normal user build itself, so that its TMPDIR is the build's: a
 * nix-daemon builds in its own temp dir, which only root chooses. Root builds in its own process
 * already (no change). The user's own store is a chroot store in `dir` (Nix builds there in a
 * sandbox, which sees the host's /bin/sh through the sandbox paths); `build-users-group =` since
 * the tmpfs's namespace makes the user root there, with no build users to switch to.
 */
function ownStoreConfig(dir: string): string {
  if (process.getuid?.() === 0) return '';
  return `\nstore = ${join(dir, 'nix')}\nbuild-users-group =\nextra-sandbox-paths = /bin /lib /lib64 /usr`;
}

describe('a Nix build the machine could not finish', () => {
  it('is an error when a builder is killed (SIGKILL: the out-of-memory killer), not a rejection', () => {
    // Killed by the kernel, as by its out-of-memory killer: the builder limits its own CPU time
    // and spins until the kernel sends SIGKILL. A kill from the test would need root (under a
    // nix-daemon the builder runs as a build user), and a `kill -9 $$` of its own is ignored in a
    // sandbox (the builder is PID 1 of its namespace); the kernel's SIGKILL reaches it either way.
    const root = genomeWithCheck(`echo seed-machine-spin-${process.hrtime.bigint()} >&2; ulimit -t 1; while :; do :; done`);
    const r = verify(root, freshProposal(root));
    expect(r.code, r.stderr).toBe(1);
    const record = r.json();
    const flake = check(record, 'nix-flake-check');
    expect(flake.stderr).toContain('failed due to signal 9');
    expect(flake.status).toBe('error');
    expect(flake.reason).toMatch(/^a builder was killed by signal 9 \(Killed\)/);
    expect(record.status).toBe('error');
    expect(ledger(join(r.mem, 'mutation-results.jsonl')).map((x) => x.status)).toEqual(['error']);
    expect(readdirSync(r.work)).toEqual([]);
  });

  it('still rejects a build that failed on its own (an exit code: the patch\'s answer)', () => {
    const root = genomeWithCheck('echo broken >&2; exit 3');
    const r = verify(root, freshProposal(root));
    expect(check(r.json(), 'nix-flake-check').status).toBe('failed');
    expect(r.json().status).toBe('rejected');
  });

  it('is an error when the disk fills up under the build (TMPDIR on a 1 MiB tmpfs), naming the disk', () => {
    // The build writes 2 MiB into its build directory, which Nix makes under TMPDIR, with shell
    // builtins only (a sandboxed builder has no head or dd: its PATH and /usr are not the host's).
    // A private mount namespace (unshare -m) keeps the tmpfs from outliving the test.
    const fill = 's=x; i=0; while [ $i -lt 16 ]; do s=$s$s; i=$((i+1)); done; j=0; while [ $j -lt 32 ]; do printf %s "$s" >> fill || exit 1; j=$((j+1)); done';
    const root = genomeWithCheck(`${fill}; echo ok > $out`);
    const small = privateTempDir('aos-small-');
    const work = tempDir('aos-work-');
    const args = ['verify', '--proposal', freshProposal(root), '--root', root, '--memory-dir', memoryDir(), '--work-dir', work];
    // Nix up to 2.2x builds under TMPDIR; newer Nix under its build-dir setting (by default in
    // its state directory), which older Nix does not know (it warns and goes on).
    const store = privateTempDir('aos-store-');
    const r = runnerOnSmallDisk(small, args, { TMPDIR: small, NIX_CONFIG: `${TEST_NIX_CONFIG}\nbuild-dir = ${small}${ownStoreConfig(store)}` });
    // Nix makes its store read-only: write permission back, so that the removal after the test works.
    spawnSync('chmod', ['-R', 'u+w', store]);
    expect(r.code, r.stderr).toBe(1);
    const record = JSON.parse(r.stdout);
    const flake = check(record, 'nix-flake-check');
    expect(flake.stderr).toContain('lack of free disk space');
    expect(flake.status).toBe('error');
    expect(flake.reason).toMatch(/^the build ran out of disk space/);
    expect(record.status).toBe('error');
    expect(readdirSync(work)).toEqual([]);
    expect(r.left).toEqual([]); // Nix removed its build directory
  });
});
