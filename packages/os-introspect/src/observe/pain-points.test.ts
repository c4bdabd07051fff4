import { describe, expect, it } from 'vitest';
import { genomePains, painPoints } from './pain-points.js';

type State = Parameters<typeof painPoints>[0];

function state(history: string[], extra: { failed?: string[]; generations?: { generation: number; target: string; dangling: boolean }[] } = {}): State {
  const generations = (extra.generations ?? []).map((g) => ({ ...g, path: `/nix/var/nix/profiles/system-${g.generation}-link`, current: false }));
  return {
    body: {
      shell_history: { included: true, entries: history },
      systemd: { available: true, units: (extra.failed ?? []).map((name) => ({ name, load: 'loaded', active: 'failed', sub: 'failed' })) },
      generations: { available: true, profiles_dir: '/nix/var/nix/profiles', current_system: null, system_generations: generations },
    },
    memory: { ledgers: [] },
  } as unknown as State;
}

const noGenome = { nix_files: [], modules: [] };

describe('pain points', () => {
  it('counts a tool run through sudo -u as that tool, not as `-u`', () => {
    const p = painPoints(state(['sudo -u media ffmpeg -i a.mp4 b.webm', 'sudo -iu media yt-dlp https://example.invalid/v']), []);
    expect(p.map((x) => [x.signal, x.evidence])).toEqual([['repeated media processing', ['ffmpeg: 1 command(s) in shell history', 'yt-dlp: 1 command(s) in shell history']]]);
  });

  it('needs a repeat, and lists the evidence per tool', () => {
    expect(painPoints(state(['pdftotext a.pdf']), [])).toEqual([]);
    expect(painPoints(state(['pdftotext a.pdf', 'ocrmypdf b.pdf c.pdf', 'pytest', 'uv sync', 'ls']), [])).toEqual([
      {
        signal: 'repeated manual PDF tooling',
        evidence: ['ocrmypdf: 1 command(s) in shell history', 'pdftotext: 1 command(s) in shell history'],
        candidate: 'create a research-papers organ',
        source: 'shell-history',
      },
      {
        signal: 'repeated Python project setup',
        evidence: ['pytest: 1 command(s) in shell history', 'uv: 1 command(s) in shell history'],
        candidate: 'create a python-dev devShell',
        source: 'shell-history',
      },
    ]);
  });

  it('reports host configuration files that were passed over, after the body and before the genome', () => {
    const p = painPoints(state([], { failed: ['a.service'] }), genomePains(noGenome, ['newinput']), [
      { path: '/etc/autopoietic/identity.json', problem: 'not valid JSON: Unexpected end of JSON input' },
      { path: '/etc/autopoietic/observation.json', problem: 'cannot be read (EACCES)' },
    ]);
    expect(p.map((x) => [x.source, x.evidence])).toEqual([
      ['systemd', ['a.service (failed)']],
      ['host-configuration', ['/etc/autopoietic/identity.json: not valid JSON: Unexpected end of JSON input', '/etc/autopoietic/observation.json: cannot be read (EACCES)']],
      ['genome', ['inputs.newinput is in flake.nix but not in flake.lock']],
    ]);
    expect(painPoints(state([]), [], [])).toEqual([]);
  });

  it('reports failed units and unlocked inputs with their evidence', () => {
    const p = painPoints(state([], { failed: ['a.service'] }), genomePains(noGenome, ['newinput']));
    expect(p.map((x) => [x.signal, x.evidence])).toEqual([
      ['failed systemd units', ['a.service (failed)']],
      ['flake inputs declared but not locked', ['inputs.newinput is in flake.nix but not in flake.lock']],
    ]);
  });

  it('reports system generations whose store path is gone, with a way to drop them', () => {
    const p = painPoints(
      state([], {
        generations: [
          { generation: 40, target: '/nix/store/aaaa-nixos-system-40', dangling: true },
          { generation: 41, target: '/nix/store/bbbb-nixos-system-41', dangling: false },
          { generation: 42, target: '/nix/store/cccc-nixos-system-42', dangling: true },
        ],
      }),
      [],
    );
    expect(p).toEqual([
      {
        signal: 'system generations whose store path is gone',
        evidence: ['/nix/var/nix/profiles/system-40-link -> /nix/store/aaaa-nixos-system-40 (does not exist)', '/nix/var/nix/profiles/system-42-link -> /nix/store/cccc-nixos-system-42 (does not exist)'],
        candidate: expect.stringContaining('nix-env --profile /nix/var/nix/profiles/system --delete-generations 40 42'),
        source: 'generations',
      },
    ]);
  });

  it('reports broken and torn ledgers, with the first problem when there is one, and not healthy or missing ones', () => {
    const ledgers = [
      { path: '/m/mutations.jsonl', status: 'broken', first_problem: 'line 3: hash-mismatch' },
      { path: '/m/effects.jsonl', status: 'torn-tail' },
      { path: '/m/organs.jsonl', status: 'ok' },
      { path: '/m/results.jsonl', status: 'missing' },
    ];
    const p = painPoints({ ...state([]), memory: { ledgers } } as unknown as State, []);
    expect(p.map((x) => [x.signal, x.evidence, x.source])).toEqual([
      ['damaged ledgers', ['/m/mutations.jsonl: broken (line 3: hash-mismatch)', '/m/effects.jsonl: torn-tail'], 'memory'],
    ]);
  });

  it('reports a ledger this user may not read apart from damaged ones, with a remedy that is not `ledger repair`', () => {
    const ledgers = [
      { path: '/m/mutations.jsonl', status: 'broken', first_problem: 'line 3: hash-mismatch' },
      { path: '/m/organs.jsonl', status: 'unreadable', first_problem: 'this user may not read it (EACCES)' },
    ];
    const p = painPoints({ ...state([]), memory: { ledgers } } as unknown as State, []);
    expect(p.map((x) => [x.signal, x.evidence])).toEqual([
      ['damaged ledgers', ['/m/mutations.jsonl: broken (line 3: hash-mismatch)']],
      ['ledgers this user may not read', ['/m/organs.jsonl: this user may not read it (EACCES)']],
    ]);
    expect(p[1]!.candidate).not.toContain('repair');
    expect(p[1]!.candidate).toContain('--memory-dir');
  });
});
