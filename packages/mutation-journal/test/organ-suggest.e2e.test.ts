import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli, runCliVia } from '../../../tests/support/cli.js';
import { tempDir } from '../../../tests/support/tmp.js';
import { generation, journal, organLine, promotion, snapshot } from './organ-fixtures.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'organ-self-state', 'self-state.json');

const suggestOf = (mem: string, ...args: string[]) => {
  const before = snapshot(mem);
  const r = journal(['suggest', ...args], mem);
  expect(r.code, r.stderr).toBe(0);
  expect(snapshot(mem)).toEqual(before); // read-only, byte for byte
  return r.json();
};

describe('organ suggest (reference P4 tests)', () => {
  it('reports changed organs missing from the registry', async () => {
    const mem = tempDir();
    await organLine(mem, { organ_id: 'org-1', event: 'add', name: 'registered' });
    await promotion(mem, { id: 'pro-1', status: 'promoted', organs: ['zeta', 'registered'] });
    await generation(mem, { label: 'gen-1', status: 'installed', organs: ['alpha', 'zeta'] });
    const out = suggestOf(mem);
    expect(out.candidates.map((c: { name: string }) => c.name)).toEqual(['alpha', 'zeta']);
    expect(out.source_statuses).toEqual({ registry: 'loaded:1', promotions: 'loaded:1', generations: 'loaded:1' });
    expect(out.candidates[1].observed_in).toEqual(['promotion:pro-1', 'generation:gen-1']);
    expect(out.registered_organs).toEqual(['registered']);
  });

  it('is read-only and treats missing sources as empty', async () => {
    const mem = tempDir();
    await organLine(mem, { name: 'x' });
    const out = suggestOf(mem);
    expect(out.source_statuses).toMatchObject({ promotions: 'missing:treated-as-empty', generations: 'missing:treated-as-empty' });
    expect(out.limits.some((l: string) => l.startsWith('promotions source was missing'))).toBe(true);
  });

  it('ignores rejected promotions', async () => {
    const mem = tempDir();
    await promotion(mem, { id: 'pro-r', status: 'rejected', organs: ['nope'] });
    await promotion(mem, { id: 'pro-e', status: 'error', organs: ['nope2'] });
    expect(suggestOf(mem).candidates).toEqual([]);
  });

  it('parses all four path flags', async () => {
    const dir = tempDir();
    await organLine(join(dir, 'r'), { name: 'known' });
    await promotion(join(dir, 'p'), { id: 'pro-1', status: 'promoted', organs: ['from-promotions'] });
    await generation(join(dir, 'g'), { label: 'gen-1', status: 'installed', organs: ['from-generations'] });
    const args = ['organ', 'suggest', '--registry', 'r/organs.jsonl', '--promotions', 'p/mutation-promotions.jsonl', '--generations', 'g/generations.jsonl', '--evidence-bundle', 'out/bundle.json'];
    const r = runCli('mutation-journal', args, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = r.json();
    expect([out.registry_source, out.promotion_source, out.generation_source]).toEqual([
      join(dir, 'r/organs.jsonl'), join(dir, 'p/mutation-promotions.jsonl'), join(dir, 'g/generations.jsonl'),
    ]);
    expect(out.candidates.map((c: { name: string }) => c.name)).toEqual(['from-generations', 'from-promotions']);
    expect(JSON.parse(readFileSync(join(dir, 'out/bundle.json'), 'utf8')).bundle_id).toBe(`evidence:organ-suggest:${out.reviewed_at}`);
  });
});

describe('organ suggest: new behaviour', () => {
  it('counts only installed generations', async () => {
    const mem = tempDir();
    await generation(mem, { label: 'g-planned', status: 'planned', organs: ['planned-only'] });
    await generation(mem, { label: 'g-failed', status: 'failed', organs: ['failed-only'] });
    await generation(mem, { label: 'g-ok', status: 'installed', organs: ['installed-one'] });
    const out = suggestOf(mem);
    expect(out.candidates.map((c: { name: string }) => c.name)).toEqual(['installed-one']);
    expect(out.observed_changed_organs).toEqual(['installed-one']);
  });

  it('matches names case-insensitively and reports the near miss', async () => {
    const mem = tempDir();
    expect(journal(['add', '--name', 'Nix-Fmt', '--type', 'cli', '--source', 'pkgs/fmt', '--purpose', 'p'], mem).code).toBe(0);
    await promotion(mem, { id: 'pro-1', status: 'promoted', organs: ['nix-fmt'] });
    const out = suggestOf(mem);
    expect(out.candidates).toEqual([]);
    expect(out.near_misses).toEqual([{ observed: 'nix-fmt', registered: 'Nix-Fmt' }]);
  });

  it('suggests genome organs from a self-state that the registry lacks, with source and inferred type', async () => {
    const mem = tempDir();
    const selfState = join(tempDir(), 'self-state.json');
    copyFileSync(FIXTURE, selfState);
    await organLine(mem, { organ_id: 'org-1', event: 'add', name: 'identity', type: 'nixos-module', source: 'modules/core/identity.nix' });
    await organLine(mem, { organ_id: 'org-2', event: 'add', name: 'runner', source: 'packages/mutation-runner/' });
    await organLine(mem, { organ_id: 'org-3', event: 'add', name: 'MEMORY', type: 'nixos-module', source: 'modules/memory-old.nix' });
    const out = suggestOf(mem, '--self-state', selfState);
    // `runner` has the CLI's directory, but CLIs are told apart by name (ADR 0022): only a module covers another of its file.
    expect(out.candidates.map((c: any) => [c.name, c.inferred_type, c.source])).toEqual([
      ['agent-runtime', 'systemd-service', 'modules/core/agent-runtime.nix'],
      ['autopoietic-tools', 'package', 'nix/tools.nix'],
      ['default', 'dev-shell', 'flake.nix'],
      ['mutation-runner', 'cli', 'packages/mutation-runner'],
    ]);
    expect(out.candidates[0]).toMatchObject({ reason: 'is defined by the genome but is not in the organ registry', observed_in: ['self-state:genome.organs'] });
    expect(out.near_misses).toEqual([{ observed: 'memory', registered: 'MEMORY' }]);
    expect(out.self_state_source).toBe(selfState);
    expect(out.source_statuses.self_state).toBe('loaded:6');
  });

  it('refuses an unreadable or malformed self-state with exit 2', () => {
    const mem = tempDir();
    const bad = join(tempDir(), 'bad.json');
    writeFileSync(bad, JSON.stringify({ genome: { organs: [{ name: 'x', type: 'cli' }] } }));
    const r = journal(['suggest', '--self-state', bad], mem);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('genome.organs.0.source');
    const missing = journal(['suggest', '--self-state', join(mem, 'nope.json')], mem);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`error[self-state-unreadable]: cannot read --self-state ${join(mem, 'nope.json')}: no such file (ENOENT): check the path\n`);
    expect(snapshot(mem)).toEqual({});
  });

  it('names a self-state this user may not read as such, not as a file to write with os-introspect (it said EACCES)', () => {
    const mem = tempDir();
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const closed = join(dir, 'self-state.json');
    copyFileSync(FIXTURE, closed);
    chmodSync(closed, 0o600);
    const root = process.getuid?.() === 0;
    if (!root) chmodSync(closed, 0o000);
    const prefix = root ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    const r = runCliVia(prefix, 'mutation-journal', ['organ', 'suggest', '--memory-dir', mem, '--self-state', closed], { cwd: '/', env: { HOME: '/nonexistent' } });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error[self-state-unreadable]: cannot read --self-state ${closed}: this user may not read it (EACCES): fix its owner or mode, or run as a user who may read it\n`);
    expect(r.stderr).toContain('hint: Make it readable to this user (its owner or mode), or pass a copy this user can read.');
    expect(r.stderr).not.toContain('os-introspect');
    expect(r.stdout).toBe('');
  });

  it('refuses a --self-state that is a device or a FIFO without reading it (/dev/zero was read until memory ran out, a FIFO hung)', () => {
    const mem = tempDir();
    const fifo = join(tempDir(), 'state.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const path of ['/dev/zero', fifo]) {
      const r = journal(['suggest', '--self-state', path], mem);
      expect(r.code, path).toBe(2);
      expect(r.stderr).toContain(`error[self-state-unreadable]: cannot read --self-state ${path}: not a regular file (a device, FIFO or socket)`);
    }
  });

  it('prints lowercase statuses only', async () => {
    const mem = tempDir();
    await promotion(mem, { id: 'pro-1', status: 'promoted', organs: ['x'] });
    const r = journal(['suggest'], mem);
    expect(r.stdout).not.toMatch(/"(Loaded|Missing|Promoted|Installed)/);
  });
});

describe('organ suggest with a real os-introspect self-state', () => {
  it('suggests the example genome organs the registry lacks, matching a registered one by source', () => {
    const genome = join(tempDir(), 'genome');
    cpSync(join(REPO_ROOT, 'examples', 'genome'), genome, { recursive: true });
    const selfState = join(tempDir(), 'self-state.json');
    const intro = runCli('os-introspect', ['--root', genome, '--output', selfState]);
    expect(intro.code, intro.stderr).toBe(0);
    const genomeOrgans: { name: string; source: string }[] = JSON.parse(readFileSync(selfState, 'utf8')).genome.organs;
    expect(genomeOrgans.length).toBeGreaterThan(1);
    const [first, ...rest] = genomeOrgans;
    const mem = tempDir();
    // registered under another name: the source path is what matches
    expect(journal(['add', '--name', 'my-module', '--type', 'nixos-module', '--source', first!.source, '--purpose', 'p'], mem).code).toBe(0);
    const out = suggestOf(mem, '--self-state', selfState);
    expect(out.candidates.map((c: { name: string }) => c.name)).toEqual(rest.map((o) => o.name).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    expect(out.candidates.every((c: { source?: string; inferred_type?: string }) => c.source && c.inferred_type)).toBe(true);
    expect(out.source_statuses.self_state).toBe(`loaded:${genomeOrgans.length}`);
  });
});
