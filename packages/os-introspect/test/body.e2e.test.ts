import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendRecord } from '@autopoietic/core/ledger';
import { expectValidSelfState, introspectCli, observe, sandbox } from './helpers.js';

// The running body and the memory, through the built CLI, with the host files (identity.json,
// observation.json, HOME) pointed at a sandbox.
describe('identity, observation config and the body', () => {
  it('takes identity from <etc dir>/identity.json when it is there', () => {
    const s = sandbox();
    writeFileSync(join(s.etc, 'identity.json'), JSON.stringify({ host: 'from-etc', roles: ['installer'] }));
    expect(observe(s).identity).toEqual({ host: 'from-etc', roles: ['installer'], source: 'identity-file', detail: join(s.etc, 'identity.json') });
  });

  it('falls back to the hostname when no identity is declared anywhere', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const st = observe(s);
    expect(st.identity).toMatchObject({ host: st.body.platform.hostname, roles: [], source: 'hostname' });
  });

  it('uses observation.json project roots and shell-history default; flags win', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const project = join(s.home, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    for (const f of ['a.ts', 'b.ts', 'c.md', 'Makefile', 'src/d.ts']) writeFileSync(join(project, f), '');
    writeFileSync(join(s.home, 'notes.txt'), 'a file, not a project\n');
    writeFileSync(join(s.etc, 'observation.json'), JSON.stringify({ project_roots: [project, join(s.home, 'gone'), join(s.home, 'notes.txt')], include_shell_history_by_default: true }));
    writeFileSync(join(s.home, '.zsh_history'), ': 1700000000:0;ffmpeg -i a.mp4 b.webm\n: 1700000100:0;yt-dlp https://example.invalid/v\n: 1700000200:0;ls\n');
    const st = observe(s);
    expect(st.body.project_roots_source).toBe('observation.json');
    expect(st.body.projects).toEqual([
      { path: project, exists: true, sampled_files: 5, truncated: false, top_suffixes: [['.ts', 3], ['.md', 1], ['<none>', 1]] },
      { path: join(s.home, 'gone'), exists: false, reason: 'does not exist' },
      { path: join(s.home, 'notes.txt'), exists: true, reason: 'not a directory: nothing sampled' },
    ]);
    expect(st.body.shell_history).toEqual({ included: true, source: 'observation.json', files: [join(s.home, '.zsh_history')], entries: ['ffmpeg -i a.mp4 b.webm', 'yt-dlp https://example.invalid/v', 'ls'] });
    expect(st.pain_points).toContainEqual({
      signal: 'repeated media processing',
      evidence: ['ffmpeg: 1 command(s) in shell history', 'yt-dlp: 1 command(s) in shell history'],
      candidate: 'create a media-pipeline organ',
      source: 'shell-history',
    });
    const flagged = observe(s, ['--project-root', join(project, 'src'), '--no-include-shell-history', '--max-project-files', '1']);
    expect(flagged.body.project_roots_source).toBe('flag');
    expect(flagged.body.projects).toEqual([{ path: join(project, 'src'), exists: true, sampled_files: 1, truncated: false, top_suffixes: [['.ts', 1]] }]);
    expect(flagged.body.shell_history).toEqual({ included: false, reason: 'disabled' });
  });

  it('reports a broken observation.json and goes on without it', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    writeFileSync(join(s.etc, 'observation.json'), '{"project_roots": "not-a-list"}');
    const st = observe(s);
    expect(st.body.observation_config).toMatchObject({ present: true, valid: false, error: expect.stringContaining('project_roots') });
    expect(st.body.project_roots_source).toBe('genome-root');
    expect(st.body.shell_history).toEqual({ included: false, reason: 'disabled' });
    // An empty root is refused with the file, not walked as some directory (the etc dir, the cwd).
    writeFileSync(join(s.etc, 'observation.json'), JSON.stringify({ project_roots: [''], include_shell_history_by_default: false }));
    const empty = observe(s);
    expect(empty.body.observation_config).toMatchObject({ valid: false, error: 'does not match observation-config: project_roots.0: must be an absolute path (start with /)' });
    expect(empty.body.project_roots_source).toBe('genome-root');
    expect(empty.body.projects.map((p) => p.path)).toEqual([s.root]);
  });

  it('says on stderr, in a pain point and in the summary that broken host files are ignored, and goes on', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const identity = join(s.etc, 'identity.json');
    const observation = join(s.etc, 'observation.json');
    writeFileSync(identity, '{"host": "a", "roles": [');
    writeFileSync(observation, JSON.stringify({ project_roots: ['/srv/project'] }));
    const r = introspectCli(s);
    expect(r.code, r.stderr).toBe(0);
    const st = expectValidSelfState(r.json());
    expect(st.identity.source).toBe('hostname');
    expect(st.body.project_roots_source).toBe('genome-root');
    const pain = st.pain_points.find((p) => p.source === 'host-configuration');
    expect(pain?.signal).toBe('host configuration files passed over');
    expect(pain?.evidence).toEqual([
      expect.stringMatching(new RegExp(`^${identity}: not valid JSON: .+$`)),
      `${observation}: does not match observation-config: include_shell_history_by_default: Invalid input: expected boolean, received undefined`,
    ]);
    // Once each on stderr, naming the file.
    expect(r.stderr.split(`${identity} is ignored: not valid JSON`).length).toBe(2);
    expect(r.stderr.split(`${observation} is ignored: does not match observation-config`).length).toBe(2);
    const summary = introspectCli(s, ['--format', 'summary']);
    expect(summary.stdout).toContain(`pain: host configuration files passed over: ${identity}: not valid JSON`);
    // Fixed files: no pain point, no warning.
    writeFileSync(identity, JSON.stringify({ host: 'a', roles: [] }));
    writeFileSync(observation, JSON.stringify({ project_roots: [s.root], include_shell_history_by_default: false }));
    const fixed = introspectCli(s);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(expectValidSelfState(fixed.json()).pain_points.filter((p) => p.source === 'host-configuration')).toEqual([]);
    expect(fixed.stderr).not.toContain('is ignored');
  });

  it('gives every probe an availability and a platform', () => {
    const st = observe(sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' }));
    for (const probe of [st.body.systemd, st.body.installed_packages, st.body.generations]) {
      expect(probe.available || typeof probe.reason === 'string').toBe(true);
    }
    expect(st.body.journal).toEqual({ included: false, available: false, reason: 'not requested (use --journal-lines N)', entries: [] });
    expect(st.body.platform.nix_system).toMatch(/^[a-z0-9_]+-(linux|darwin)$/);
  });
});

describe('memory', () => {
  it('reports every ledger with its path, lines and chain status', async () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    await appendRecord(join(s.memory, 'organs.jsonl'), 'organ', { schema_version: '0.1.0', name: 'x', type: 'cli', source: 'packages/x', purpose: 'test' });
    await appendRecord(join(s.memory, 'organs.jsonl'), 'organ', { schema_version: '0.1.0', name: 'y', type: 'cli', source: 'packages/y', purpose: 'test' });
    appendFileSync(join(s.memory, 'mutations.jsonl'), '{"schema_version":"0.1.0","mutat');
    const st = observe(s);
    expect(st.memory.root).toBe(s.memory);
    expect(st.memory.source).toBe('flag');
    const byKind = Object.fromEntries(st.memory.ledgers.map((l) => [l.kind, l]));
    expect(byKind.organs).toMatchObject({ path: join(s.memory, 'organs.jsonl'), exists: true, lines: 2, status: 'ok', head_seq: 2, problems: 0 });
    expect(byKind.mutations).toMatchObject({ exists: true, lines: 1, status: 'torn-tail', head_seq: null, problems: 1 });
    expect(byKind.effects).toMatchObject({ exists: false, lines: 0, status: 'missing' });
    expect(st.pain_points.find((p) => p.signal === 'damaged ledgers')?.evidence).toEqual([expect.stringContaining(`${join(s.memory, 'mutations.jsonl')}: torn-tail`)]);
  });

  it('reports a ledger that is gone while its checkpoint remains as broken, not missing', () => {
    const s = sandbox({ 'flake.nix': '{ outputs = { self }: { }; }\n' });
    const checkpoint = { schema_version: '0.1.0', ledger: 'effects.jsonl', seq: 3, digest: `sha256:${'ab'.repeat(32)}`, line: 3, recorded_at: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(s.memory, 'effects.jsonl.checkpoint.json'), JSON.stringify(checkpoint));
    const effects = observe(s).memory.ledgers.find((l) => l.kind === 'effects');
    expect(effects).toMatchObject({ exists: false, status: 'broken', problems: 1 });
    expect(effects?.first_problem).toContain('lines were removed');
  });
});
