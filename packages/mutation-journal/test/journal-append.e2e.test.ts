import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../../../tests/support/cli.js';
import { testEnv } from '../../../tests/support/nix-env.js';
import { tempDir } from '../../../tests/support/tmp.js';

const ID = /^(mut|eff)-\d{8}-\d{6}-[0-9a-f]{32}$/;

function journal(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  return runCli('mutation-journal', args, opts);
}

function ledgerLines(file: string): any[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
}

describe('mutation-journal append', () => {
  it('says that stdout failed, and that the record is stored, when printing fails (stdout on /dev/full)', () => {
    const mem = tempDir();
    const bin = join(REPO_ROOT, 'packages', 'mutation-journal', 'bin', 'mutation-journal.js');
    const full = openSync('/dev/full', 'w');
    try {
      const r = spawnSync(process.execPath, [bin, 'append', '--goal', 'g', '--phase', 'P1', '--memory-dir', mem], { stdio: ['ignore', full, 'pipe'], env: testEnv(), encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL' });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('error[output-failed]: cannot write to standard output (ENOSPC)');
      expect(r.stderr).toContain('look at the ledger before running it again');
    } finally {
      closeSync(full);
    }
    expect(ledgerLines(join(mem, 'mutations.jsonl'))).toHaveLength(1);
  });

  it('writes the reference defaults and prints the stored record', () => {
    const mem = tempDir();
    const r = journal(['append', '--goal', 'smoke', '--phase', 'P0-smoke', '--memory-dir', mem]);
    expect(r.code).toBe(0);
    const rec = r.json();
    expect(rec).toMatchObject({ schema_version: '0.1.0', goal: 'smoke', phase: 'P0-smoke', status: 'pending', reason: '', changed_paths: [], next_hypothesis: '', metadata: {}, chain: { seq: 1 } });
    expect(rec.mutation_id).toMatch(ID);
    expect(rec.mutation_id.startsWith('mut-')).toBe(true);
    expect(Date.parse(rec.timestamp)).not.toBeNaN();
    expect(ledgerLines(join(mem, 'mutations.jsonl'))).toEqual([rec]);
  });

  it('takes every flag', () => {
    const mem = tempDir();
    const r = journal([
      'append', '--memory-dir', mem, '--mutation-id', 'mut-fixed', '--goal', 'g', '--status', 'accepted', '--phase', 'P1',
      '--reason', 'because', '--changed-path', 'hosts/aion/default.nix', '--changed-path', '/etc/absolute/ok',
      '--next-hypothesis', 'try more', '--metadata', 'a=1', '--metadata', 'url=http://x/?q=1=2', '--metadata', 'a=2', '--metadata', 'empty=',
    ]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      mutation_id: 'mut-fixed', status: 'accepted', reason: 'because', next_hypothesis: 'try more',
      changed_paths: ['hosts/aion/default.nix', '/etc/absolute/ok'],
      metadata: { a: '2', url: 'http://x/?q=1=2', empty: '' },
    });
  });

  it('writes to --path, relative to the working directory, creating directories', () => {
    const cwd = tempDir();
    const r = journal(['append', '--goal', 'g', '--phase', 'p', '--path', 'sub/dir/custom.jsonl'], { cwd });
    expect(r.code).toBe(0);
    expect(ledgerLines(join(cwd, 'sub/dir/custom.jsonl'))).toHaveLength(1);
  });

  it('defaults to <genome root>/memory, found from a subdirectory, or given with --root', () => {
    const genome = tempDir();
    writeFileSync(join(genome, 'flake.nix'), '{ outputs = _: { }; }\n');
    mkdirSync(join(genome, 'hosts', 'aion'), { recursive: true });
    expect(journal(['append', '--goal', 'g', '--phase', 'p'], { cwd: join(genome, 'hosts', 'aion') }).code).toBe(0);
    expect(journal(['append', '--goal', 'g', '--phase', 'p', '--root', genome], { cwd: tempDir() }).code).toBe(0);
    expect(ledgerLines(join(genome, 'memory', 'mutations.jsonl')).map((l) => l.chain.seq)).toEqual([1, 2]);
  });

  it('prefers --memory-dir over AUTOPOIETIC_MEMORY_DIR, and that over the genome root', () => {
    const genome = tempDir();
    writeFileSync(join(genome, 'flake.nix'), '{ }\n');
    const envDir = tempDir();
    const flagDir = tempDir();
    const env = { AUTOPOIETIC_MEMORY_DIR: envDir };
    expect(journal(['append', '--goal', 'g', '--phase', 'p'], { cwd: genome, env }).code).toBe(0);
    expect(journal(['append', '--goal', 'g', '--phase', 'p', '--memory-dir', flagDir], { cwd: genome, env }).code).toBe(0);
    expect(existsSync(join(envDir, 'mutations.jsonl'))).toBe(true);
    expect(existsSync(join(flagDir, 'mutations.jsonl'))).toBe(true);
    expect(existsSync(join(genome, 'memory'))).toBe(false);
  });

  it('says so on stderr when it falls back to the working directory', () => {
    const cwd = tempDir();
    const r = journal(['append', '--goal', 'g', '--phase', 'p'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no flake.nix above the working directory');
    expect(existsSync(join(cwd, 'memory', 'mutations.jsonl'))).toBe(true);
  });

  it('refuses an empty --memory-dir, --path or --root (exit 2) instead of using the working directory', () => {
    const cwd = tempDir();
    for (const [flag, value] of [['--memory-dir', ''], ['--path', ''], ['--root', ''], ['--memory-dir', ' ']] as const) {
      for (const cmd of [['append', '--goal', 'g', '--phase', 'p'], ['list', 'mutations'], ['ledger', 'verify', '--kind', 'mutations']]) {
        const r = journal([...cmd, flag, value], { cwd });
        expect(r.code, `${cmd[0]} ${flag}`).toBe(2);
        expect(r.stderr).toContain(`${flag} must not be empty`);
      }
    }
    const r = journal(['ledger', 'verify', '--memory-dir', cwd, '--kind', 'mutations', '--checkpoint', ''], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--checkpoint must not be empty');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it.each([
    [['--goal', '  ', '--phase', 'p'], /--goal must not be blank/],
    [['--goal', 'g', '--phase', ''], /--phase must not be blank/],
    [['--goal', 'g', '--phase', 'p', '--mutation-id', ' '], /--mutation-id must not be blank/],
    [['--goal', 'g', '--phase', 'p', '--changed-path', ''], /--changed-path must not be empty/],
    [['--goal', 'g', '--phase', 'p', '--status', 'done'], /Allowed choices are pending, accepted, failed, reverted/],
    [['--goal', 'g', '--phase', 'p', '--metadata', 'novalue'], /metadata must be key=value/],
    // JSON readers (zod's record parse among them) drop a "__proto__" key: it would vanish from the record.
    [['--goal', 'g', '--phase', 'p', '--metadata', 'ok=1', '--metadata', '__proto__=x'], /--metadata key "__proto__" cannot be stored/],
    [['--phase', 'p'], /required option '--goal <text>' not specified/],
    [['--goal', 'g'], /required option '--phase <label>' not specified/],
    [['--goal', 'g', '--phase', 'p', '--bogus'], /unknown option '--bogus'/],
    [['--goal', 'g', '--phase', 'p', '--root', '/nonexistent/genome'], /--root \/nonexistent\/genome is not a directory/],
  ])('refuses %j with exit 2 and appends nothing', (args, message) => {
    const mem = tempDir();
    const r = journal(['append', '--memory-dir', mem, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(readdirSync(mem)).toEqual([]);
  });
});

describe('mutation-journal effect', () => {
  it('writes the reference defaults', () => {
    const mem = tempDir();
    const r = journal(['effect', '--memory-dir', mem, '--mutation-id', 'mut-1', '--type', 'file-write', '--target', '/var/lib/x']);
    expect(r.code).toBe(0);
    const rec = r.json();
    expect(rec).toMatchObject({ mutation_id: 'mut-1', type: 'file-write', target: '/var/lib/x', reversible: false, compensation: '', verified_by: '', risk: 'low', metadata: {}, chain: { seq: 1 } });
    expect(rec.effect_id).toMatch(/^eff-\d{8}-\d{6}-[0-9a-f]{32}$/);
    expect(ledgerLines(join(mem, 'effects.jsonl'))).toEqual([rec]);
  });

  it('takes every flag', () => {
    const mem = tempDir();
    const r = journal([
      'effect', '--path', join(mem, 'fx.jsonl'), '--effect-id', 'eff-fixed', '--mutation-id', 'mut-1', '--type', 't', '--target', 'x',
      '--reversible', '--compensation', 'restore backup', '--verified-by', 'sha256 compare', '--risk', 'irreversible', '--metadata', 'k=v',
    ]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ effect_id: 'eff-fixed', reversible: true, compensation: 'restore backup', verified_by: 'sha256 compare', risk: 'irreversible', metadata: { k: 'v' } });
    expect(existsSync(join(mem, 'fx.jsonl'))).toBe(true);
  });

  it.each([
    [['--type', 't', '--target', 'x'], /required option '--mutation-id <id>'/],
    [['--mutation-id', 'm', '--type', ' ', '--target', 'x'], /--type must not be blank/],
    [['--mutation-id', 'm', '--type', 't', '--target', ''], /--target must not be blank/],
    [['--mutation-id', '', '--type', 't', '--target', 'x'], /--mutation-id must not be blank/],
    [['--mutation-id', 'm', '--type', 't', '--target', 'x', '--effect-id', ' '], /--effect-id must not be blank/],
    [['--mutation-id', 'm', '--type', 't', '--target', 'x', '--risk', 'extreme'], /Allowed choices are low, medium, high, irreversible/],
    [['--mutation-id', 'm', '--type', 't', '--target', 'x', '--reversible', 'yes'], /too many arguments|unknown command|error/],
    [['--mutation-id', 'm', '--type', 't', '--target', 'x', '--metadata', 'x'], /metadata must be key=value/],
  ])('refuses %j with exit 2 and appends nothing', (args, message) => {
    const mem = tempDir();
    const r = journal(['effect', '--memory-dir', mem, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(mem)).toEqual([]);
  });
});

describe('mutation-journal generation', () => {
  it('writes the reference defaults: installed, null parent, unknown activation, no optional links', () => {
    const mem = tempDir();
    const r = journal(['generation', '--memory-dir', mem, '--generation', 'gen-child', '--mutation-id', 'mut-1', '--goal', 'g']);
    expect(r.code).toBe(0);
    const rec = r.json();
    expect(rec).toMatchObject({ lineage_status: 'installed', generation: 'gen-child', parent_generation: null, activation_result: 'unknown', chain: { seq: 1 } });
    for (const absent of ['changed_organs', 'verification_id', 'promotion_id', 'target_root', 'target_configuration', 'metadata']) expect(rec).not.toHaveProperty(absent);
    expect(ledgerLines(join(mem, 'generations.jsonl'))).toEqual([rec]);
  });

  it('takes every flag', () => {
    const mem = tempDir();
    const r = journal([
      'generation', '--memory-dir', mem, '--lineage-status', 'planned', '--generation', 'gen-2', '--mutation-id', 'mut-1', '--goal', 'g',
      '--changed-organ', 'a', '--changed-organ', 'b', '--parent-generation', 'gen-1', '--activation-result', 'planned-install',
      '--verification-id', 'ver-1', '--promotion-id', 'pro-1', '--target-root', '/mnt', '--target-configuration', 'iso', '--metadata', 'k=v',
    ]);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({
      lineage_status: 'planned', changed_organs: ['a', 'b'], parent_generation: 'gen-1', activation_result: 'planned-install',
      verification_id: 'ver-1', promotion_id: 'pro-1', target_root: '/mnt', target_configuration: 'iso', metadata: { k: 'v' },
    });
  });

  it.each([
    [['--mutation-id', 'm', '--goal', 'g'], /required option '--generation <label>'/],
    [['--generation', ' ', '--mutation-id', 'm', '--goal', 'g'], /--generation must not be blank/],
    [['--generation', 'x', '--mutation-id', '', '--goal', 'g'], /--mutation-id must not be blank/],
    [['--generation', 'x', '--mutation-id', 'm', '--goal', ' '], /--goal must not be blank/],
    [['--generation', 'x', '--mutation-id', 'm', '--goal', 'g', '--parent-generation', ''], /--parent-generation must not be blank/],
    [['--generation', 'x', '--mutation-id', 'm', '--goal', 'g', '--lineage-status', 'done'], /Allowed choices are planned, installed, failed, reverted/],
    [['--generation', 'x', '--mutation-id', 'm', '--goal', 'g', '--metadata', 'bad'], /metadata must be key=value/],
    // lineage drew no edge for it: the record claimed a parent that the graph then left out.
    [['--generation', 'gen-a', '--mutation-id', 'm', '--goal', 'g', '--parent-generation', 'gen-a'], /error\[generation-own-parent\]: --parent-generation "gen-a" is --generation itself: a generation cannot be its own parent/],
  ])('refuses %j with exit 2 and appends nothing', (args, message) => {
    const mem = tempDir();
    const r = journal(['generation', '--memory-dir', mem, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(mem)).toEqual([]);
  });
});
