import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '@autopoietic/core/ledger';
import { etcWithMode, exampleGenome, HOST_GOAL, RULE_BASED, scriptGenerator } from './evolve-support.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { ledger, memoryDir, repoSnapshot, runner } from './support.js';

/**
 * Generators that misbehave: each attempt is recorded as `error` with the reason, the live
 * genome is not changed, and the loop ends (it never hangs).
 */
const evolve = (root: string, mem: string, generator: string, extra: string[] = []) =>
  runner(['evolve', '--root', root, '--memory-dir', mem, '--goal', HOST_GOAL, '--generator', generator, ...extra]);

async function expectRecorded(mem: string, reasons: RegExp[]): Promise<void> {
  const attempts = ledger(join(mem, 'lineage.jsonl'));
  expect(attempts.map((a) => [a.verdict, a.stage])).toEqual(reasons.map(() => ['error', 'generate']));
  for (const [i, a] of attempts.entries()) expect(a.reason).toMatch(reasons[i]!);
  expect((await verifyLedger(join(mem, 'lineage.jsonl'), 'lineage-attempt')).status).toBe('ok');
  expect(existsSync(join(mem, 'mutation-results.jsonl'))).toBe(false); // nothing reached P1
}

describe('evolve with misbehaving generators', () => {
  it('kills a generator that hangs (and the process it started) at the timeout, records it, and goes on', async () => {
    const root = exampleGenome();
    const mem = memoryDir();
    const before = repoSnapshot(root);
    const marker = String(900_000 + Math.floor(Math.random() * 99_999));
    const gen = scriptGenerator('hang', `
      import { spawn } from 'node:child_process';
      spawn('sleep', ['${marker}'], { stdio: 'ignore' });
      setInterval(() => {}, 1000);
    `);
    const t0 = Date.now();
    const r = evolve(root, mem, gen, ['--generator-timeout', '1', '--attempts', '2']);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(r.code).toBe(1);
    expect(r.json().outcome).toBe('exhausted');
    await expectRecorded(mem, [/generator timed out after 1 s and was killed/, /generator timed out after 1 s and was killed/]);
    expect(ledger(join(mem, 'lineage.jsonl'))[0].generator_run).toMatchObject({ outcome: 'timeout', exit_code: null });
    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    expect(ps.split('\n').filter((l) => l.trim() === `sleep ${marker}`)).toEqual([]);
    expect(repoSnapshot(root)).toEqual(before);
  });

  it('records garbage, a crash and a flood of output as errors, and --stop-on-error ends the loop at the first', async () => {
    const root = exampleGenome();
    const before = repoSnapshot(root);
    const garbage = scriptGenerator('garbage', `process.stdout.write('Sure! Here is your patch:\\n{"patch": nope}\\n');`);
    const mem1 = memoryDir();
    expect(evolve(root, mem1, garbage, ['--attempts', '2']).code).toBe(1);
    await expectRecorded(mem1, [/generator output is not a proposal/, /generator output is not a proposal/]);

    const crash = scriptGenerator('crash', `process.stderr.write('model quota exceeded\\n'); process.exit(3);`);
    const mem2 = memoryDir();
    const stopped = evolve(root, mem2, crash, ['--attempts', '3', '--stop-on-error']);
    expect(stopped.code).toBe(1);
    expect(stopped.json().outcome).toBe('stopped');
    await expectRecorded(mem2, [/generator exited with status 3: model quota exceeded/]);

    const flood = scriptGenerator('flood', `const chunk = 'x'.repeat(65536); const w = () => { while (process.stdout.write(chunk)); process.stdout.once('drain', w); }; w();`);
    const mem3 = memoryDir();
    expect(evolve(root, mem3, flood, ['--attempts', '1', '--generator-max-output', '200000']).code).toBe(1);
    await expectRecorded(mem3, [/generator wrote more than 200000 bytes of output and was killed/]);
    const run = ledger(join(mem3, 'lineage.jsonl'))[0].generator_run;
    expect(run.outcome).toBe('output-too-large');
    expect(run.stdout_bytes).toBeLessThan(64 * 1024 * 1024);

    const silent = scriptGenerator('silent', `process.exit(0);`);
    const mem4 = memoryDir();
    expect(evolve(root, mem4, silent, ['--attempts', '1']).code).toBe(1);
    await expectRecorded(mem4, [/generator printed nothing on stdout/]);
    expect(repoSnapshot(root)).toEqual(before);
  });

  // A FIFO left as proposal.json or as the patch (no writer: the generator has exited) blocked
  // evolve for ever, past every generator limit.
  it('records a proposal directory whose proposal.json or patch is a FIFO as an error, without blocking on it', async () => {
    const root = exampleGenome();
    for (const [name, fifo] of [['proposal.json', 'proposal.json'], ['patch', 'patch.diff']]) {
      const gen = scriptGenerator(`fifo-${name}`, `
        import { execFileSync } from 'node:child_process';
        import { mkdirSync, writeFileSync } from 'node:fs';
        mkdirSync('work/p');
        if (${JSON.stringify(fifo)} !== 'proposal.json') writeFileSync('work/p/proposal.json', JSON.stringify({ schema_version: '0.1.0', mutation_id: 'm', goal: 'g', phase: 'p', changed_paths: ['README.md'], expected_checks: [], patch_path: 'patch.diff' }));
        execFileSync('mkfifo', ['work/p/${fifo}']);
        console.log('work/p');`);
      const mem = memoryDir();
      const t0 = Date.now();
      const r = evolve(root, mem, gen, ['--attempts', '1']);
      expect(Date.now() - t0).toBeLessThan(60_000);
      expect(r.code, r.stderr).toBe(1);
      await expectRecorded(mem, [name === 'patch' ? /patch_path "patch\.diff" is a FIFO, not a file/ : /proposal\.json is a FIFO, not a file/]);
    }
  });

  it('a generator that writes every path its environment names never reaches the live genome; writing its copy is an error', async () => {
    const root = exampleGenome();
    const mem = memoryDir();
    const before = repoSnapshot(root);
    const gen = scriptGenerator('vandal', `
      import { appendFileSync, chmodSync, existsSync, statSync, writeFileSync } from 'node:fs';
      import { dirname, join } from 'node:path';
      const tried = [];
      // Every directory its environment names (the test points HOME at a scratch directory), the
      // sandbox around its copy, its working directory.
      const env = Object.entries(process.env).filter(([k]) => k.startsWith('AUTOPOIETIC_') || k === 'HOME').map(([, v]) => v);
      const candidates = [...env, dirname(process.env.AUTOPOIETIC_GENOME), process.cwd()];
      for (const p of candidates) {
        try { if (p.startsWith('/') && statSync(p).isDirectory()) { writeFileSync(join(p, 'pwned-by-generator.txt'), 'x'); tried.push(p); } } catch {}
      }
      const g = process.env.AUTOPOIETIC_GENOME;
      // It runs as the user who made the copy, so it can give itself write permission first
      // (root needs none): the mode bits of the copy stop no one; the digest of the copy does.
      for (const f of ['hosts/seed/configuration.nix', 'flake.nix']) { try { chmodSync(join(g, f), 0o644); appendFileSync(join(g, f), '# vandal\\n'); } catch {} }
      process.stderr.write('tried ' + tried.length + ' directories\\n');
      process.stdout.write(JSON.stringify({ patch: 'diff --git a/x b/x\\n' }));
    `);
    const home = tempDir('aos-home-');
    const r = runner(['evolve', '--root', root, '--memory-dir', mem, '--goal', HOST_GOAL, '--generator', gen, '--attempts', '1', '--etc-dir', etcWithMode('mutate-draft')], { env: { HOME: home } });
    expect(r.code).toBe(1);
    expect(existsSync(join(home, 'pwned-by-generator.txt')), JSON.stringify(ledger(join(mem, 'lineage.jsonl')))).toBe(true); // it did try
    // Whoever it runs as, the mode bits of the copy do not stop it: the digest of the copy does.
    await expectRecorded(mem, [/generator wrote into its read-only copy of the genome/]);
    expect(repoSnapshot(root)).toEqual(before);
  });

  it('stops the run, verifying nothing, when the live genome changes while a generator runs', async () => {
    const root = exampleGenome();
    const mem = memoryDir();
    // The test hands this generator a path in the genome on purpose (evolve never does).
    const target = join(root, 'injected.nix');
    const gen = scriptGenerator('intruder', `import { writeFileSync } from 'node:fs'; writeFileSync(process.argv[2], '{ }\\n'); process.stdout.write('{}');`);
    const r = evolve(root, mem, `${gen} ${target}`, ['--attempts', '3']);
    expect(r.code).toBe(1);
    const out = r.json();
    expect(out.outcome).toBe('stopped');
    expect(out.attempts).toHaveLength(1);
    await expectRecorded(mem, [/the live genome changed while the generator ran \(injected\.nix\); the run stops and nothing is verified/]);
  });

  it('refuses a generator that lives inside the genome (its path would give the genome away)', () => {
    const root = exampleGenome();
    const r = evolve(root, memoryDir(), `node ${join(root, 'flake.nix')}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[generator-inside-genome]');
    expect(evolve(root, memoryDir(), 'no-such-generator-anywhere').code).toBe(2);
    expect(evolve(root, memoryDir(), "node 'unclosed").code).toBe(2);
  });

  it('refuses a generator file that is not executable before any attempt, and finds the executable one on PATH as the OS does', () => {
    const root = exampleGenome();
    const dir = tempDir('aos-generator-');
    const plain = join(dir, 'plain', 'gen');
    const runnable = join(dir, 'runnable', 'gen');
    mkdirSync(dirname(plain));
    mkdirSync(dirname(runnable));
    writeFileSync(plain, '#!/bin/sh\nexit 0\n', { mode: 0o644 });
    writeFileSync(runnable, `#!/bin/sh\nexec ${process.execPath} ${RULE_BASED}\n`, { mode: 0o755 });
    const mem = memoryDir();
    const r = evolve(root, mem, plain);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error[generator-not-found]: --generator: ${plain} is not an executable file`);
    expect(existsSync(join(mem, 'lineage.jsonl'))).toBe(false);
    // execvp skips a file it may not execute and goes on along PATH; so does the lookup.
    const onPath = runner(['evolve', '--root', root, '--memory-dir', mem, '--goal', HOST_GOAL, '--generator', 'gen'], {
      env: { PATH: `${dirname(plain)}:${dirname(runnable)}:${process.env.PATH}` },
    });
    expect(onPath.code, onPath.stderr).toBe(0);
    expect(onPath.json().attempts[0].generator.argv[0]).toBe(runnable);
  });
});
