import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyLedger } from '@autopoietic/core/ledger';
import { exampleGenome, HOST_GOAL, RULE_BASED } from './evolve-support.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { ledger, memoryDir, repoSnapshot, runner } from './support.js';

/**
 * What evolve checks before any attempt, and where it writes (the proposals directory, the
 * memory directory) against what it guards (the live genome): the loop's own writes are never
 * mistaken for a generator's, the generator sees every genome file that is not a proposal, and a
 * directory it cannot write is refused before any attempt.
 */
const evolve = (root: string, extra: string[], generator = `${process.execPath} ${RULE_BASED} --fail-first`) =>
  runner(['evolve', '--root', root, '--goal', HOST_GOAL, '--generator', generator, ...extra]);

describe('evolve --proposals-dir and --memory-dir', () => {
  it('a proposals directory at the genome root: attempt 1 is not taken for a live-genome change in attempt 2', () => {
    const root = exampleGenome();
    const mem = memoryDir();
    const r = evolve(root, ['--memory-dir', mem, '--proposals-dir', root]);
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect(out.attempts.map((a: { verdict: string }) => a.verdict)).toEqual(['rejected', 'verified']);
    expect(out.result.proposal_path).toBe(join(root, out.result.mutation_id, 'proposal.json'));
  });

  it('a proposals directory that holds genome files: the generator still sees them, and a change to them is still caught', () => {
    const root = exampleGenome();
    const modules = join(root, 'modules');
    const script = (name: string, body: string) => {
      const file = join(tempDir('aos-generator-'), `${name}.mjs`);
      writeFileSync(file, `import { appendFileSync, existsSync } from 'node:fs';\n${body}`);
      return `${process.execPath} ${file}`;
    };
    const looker = script('looker', `
      if (!existsSync(process.env.AUTOPOIETIC_GENOME + '/modules/default.nix')) { console.error('modules/default.nix is not in my copy'); process.exit(4); }
      process.stdout.write('no proposal');`);
    const mem = memoryDir();
    const looked = evolve(root, ['--memory-dir', mem, '--proposals-dir', modules, '--attempts', '1'], looker);
    expect(looked.code, looked.stderr).toBe(1);
    expect(ledger(join(mem, 'lineage.jsonl'))[0].reason).toContain('generator output is not a proposal');
    // Proposals written there are genome files that verify and promote count: evolve says so.
    expect(looked.stderr).toContain(`--proposals-dir ${modules} lies inside the genome but outside the proposal queue (mutations/)`);

    // The test hands this generator a path in the genome on purpose (evolve never does); in its
    // body, since evolve refuses a generator whose argv names a file inside the genome.
    const intruder = script('intruder', `appendFileSync(${JSON.stringify(join(modules, 'default.nix'))}, '# x\\n'); process.stdout.write('{}');`);
    const mem2 = memoryDir();
    const caught = evolve(root, ['--memory-dir', mem2, '--proposals-dir', modules, '--attempts', '2'], intruder);
    expect(caught.code).toBe(1);
    expect(caught.json().outcome).toBe('stopped');
    expect(ledger(join(mem2, 'lineage.jsonl'))[0].reason).toContain('the live genome changed while the generator ran (modules/default.nix)');
  });

  it('refuses a proposals directory it cannot create or write before any attempt (exit 2, nothing journaled)', () => {
    const root = exampleGenome();
    const file = join(tempDir('aos-out-'), 'a-file');
    writeFileSync(file, 'x');
    const readOnly = join(tempDir('aos-out-'), 'ro');
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    const unusable = 'error[proposals-dir-unusable]: --proposals-dir';
    const cases: [string, string, string][] = [
      [file, unusable, 'is not a directory'],
      [join(file, 'pending'), unusable, 'is not a directory'],
      // refused earlier still, with every flag naming a directory written into (dir-flags-pseudo-fs)
      ['/proc/no-such-process/pending', 'error[directory-on-pseudo-fs]: --proposals-dir', 'is on proc (/proc)'],
    ];
    // root ignores mode bits: the read-only cases only mean something for other users
    if (process.getuid?.() !== 0) {
      cases.push([join(readOnly, 'pending'), unusable, `--proposals-dir ${join(readOnly, 'pending')} cannot be created (EACCES)`]);
      cases.push([readOnly, unusable, `--proposals-dir ${readOnly} is not writable by this user`]);
    }
    for (const [dir, code, why] of cases) {
      const mem = memoryDir();
      const r = evolve(root, ['--memory-dir', mem, '--proposals-dir', dir]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(code);
      expect(r.stderr).toContain(why);
      expect(r.stderr).toMatch(/\nhint: /);
      expect(existsSync(join(mem, 'lineage.jsonl'))).toBe(false);
    }
  });

  it('refuses the genome root as the memory directory: its logs and ledgers would be genome files', () => {
    const root = exampleGenome();
    const before = repoSnapshot(root);
    for (const mem of [root, join(root, 'hosts', '..')]) {
      const r = evolve(root, ['--memory-dir', mem]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('error[memory-dir-is-genome-root]');
      expect(r.stderr).toMatch(/\nhint: /);
    }
    expect(repoSnapshot(root)).toEqual(before);
  });
});

describe('evolve --generator-env', () => {
  // `--generator-env OPENAI_API_KEY=sk-...` (a value where a name belongs) passed nothing, silently.
  it('takes variable names only: a value, a blank or a bad name is a usage error before any attempt', () => {
    const root = exampleGenome();
    for (const bad of ['OPENAI_API_KEY=sk-secret', '', '1ABC', 'A B']) {
      const mem = memoryDir();
      const r = evolve(root, ['--memory-dir', mem, '--generator-env', bad]);
      expect(r.code, r.stderr).toBe(2);
      const shown = bad.includes('=') ? `${bad.split('=')[0]}=<value not shown>` : bad;
      expect(r.stderr).toContain(`error[generator-env-invalid]: --generator-env ${JSON.stringify(shown)} is not an environment variable name`);
      expect(r.stderr).not.toContain('sk-secret');
      expect(existsSync(join(mem, 'lineage.jsonl'))).toBe(false);
    }
  });
});

describe('evolve and its ledgers', () => {
  // A results ledger that could not take P1's record was found only after a generator had run
  // and its proposal was written; the run then died with no lineage record of that attempt.
  it('refuses a ledger that cannot take its record before any generator runs', () => {
    const root = exampleGenome();
    const mem = memoryDir();
    mkdirSync(join(mem, 'mutation-results.jsonl'), { recursive: true });
    const r = evolve(root, ['--memory-dir', mem]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error[ledger-not-a-file]: ledger ${join(mem, 'mutation-results.jsonl')} is not a regular file (a directory)`);
    expect(existsSync(join(mem, 'lineage.jsonl'))).toBe(false);
    expect(existsSync(join(mem, 'logs'))).toBe(false);
  });

  // Only the file type was checked: a torn lineage ledger was found after the generator, the
  // proposal and P1 had run, and the run died without a summary or the attempt's record.
  it('refuses a ledger whose last line a record cannot be chained to before any generator runs', () => {
    const root = exampleGenome();
    const queue = join(root, 'mutations', 'pending');
    const queued = readdirSync(queue).sort();
    for (const [name, bytes, code] of [
      ['lineage.jsonl', '{"attempt_id":"att-torn', 'ledger-torn-tail'],
      ['mutation-results.jsonl', '{"chain":{"seq":1,"prev":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}\r\n', 'ledger-line-endings'],
    ] as const) {
      const mem = memoryDir();
      mkdirSync(mem, { recursive: true });
      writeFileSync(join(mem, name), bytes);
      const r = evolve(root, ['--memory-dir', mem]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`error[${code}]: ledger ${join(mem, name)}`);
      expect(r.stderr).not.toContain('evolve: observing the genome');
      expect(readFileSync(join(mem, name), 'utf8')).toBe(bytes);
      expect(existsSync(join(mem, 'logs'))).toBe(false);
      expect(readdirSync(queue).sort()).toEqual(queued);
    }
    const mem = memoryDir();
    mkdirSync(mem, { recursive: true });
    symlinkSync('elsewhere/lineage.jsonl', join(mem, 'lineage.jsonl'));
    const r = evolve(root, ['--memory-dir', mem]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`error[ledger-dangling-link]: ledger ${join(mem, 'lineage.jsonl')} is a symbolic link to elsewhere/lineage.jsonl`);
    expect(existsSync(join(mem, 'logs'))).toBe(false);
    expect(readdirSync(queue).sort()).toEqual(queued);
  });

  it('records the attempt as an error and stops when P1 cannot run after the generator did', async () => {
    const root = exampleGenome();
    const mem = memoryDir();
    // This generator (a test's, told the memory directory on purpose) breaks the P1 journal, then proposes.
    const file = join(tempDir('aos-generator-'), 'breaker.mjs');
    writeFileSync(file, `import { mkdirSync } from 'node:fs';\nmkdirSync(${JSON.stringify(join(mem, 'mutation-results.jsonl'))});\nawait import(${JSON.stringify(RULE_BASED)});\n`);
    const r = evolve(root, ['--memory-dir', mem, '--attempts', '3'], `${process.execPath} ${file}`);
    expect(r.code).toBe(1);
    const out = r.json();
    expect(out.outcome).toBe('stopped');
    expect(out.reason).toMatch(/^P1 could not run: error\[ledger-not-a-file\]/);
    const attempts = ledger(join(mem, 'lineage.jsonl'));
    expect(attempts.map((a) => [a.verdict, a.stage])).toEqual([['error', 'verify']]);
    expect(existsSync(attempts[0].proposal_path)).toBe(true);
    expect((await verifyLedger(join(mem, 'lineage.jsonl'), 'lineage-attempt')).status).toBe('ok');
  });

  it('names an unusable TMPDIR before any attempt (tmpdir-unusable, not error[internal]) and journals nothing', () => {
    const root = exampleGenome();
    const mem = memoryDir();
    const missing = join(tempDir('aos-tmp-'), 'gone');
    const r = runner(['evolve', '--root', root, '--goal', HOST_GOAL, '--generator', `${process.execPath} ${RULE_BASED}`, '--memory-dir', mem], { env: { TMPDIR: missing } });
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('error[internal]');
    expect(r.stderr).toContain(`error[tmpdir-unusable]: cannot create a scratch directory in ${missing} (TMPDIR): ENOENT`);
    expect(existsSync(join(mem, 'lineage.jsonl')) ? ledger(join(mem, 'lineage.jsonl')) : []).toEqual([]);
  });
});
