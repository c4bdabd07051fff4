import { beforeAll, describe, expect, it } from 'vitest';
import type { SelfState } from '@autopoietic/core/schemas';
import { observe, sandbox, type Sandbox } from './helpers.js';

// The fixture genome (test/fixtures/genome.ts) read through the built CLI: exact structure out.
describe('os-introspect reads the genome as Nix structure', () => {
  let s: Sandbox;
  let state: SelfState;
  let g: SelfState['genome'];
  beforeAll(() => {
    s = sandbox();
    state = observe(s, ['--jobs', '2']);
    g = state.genome;
  });

  it('validates against the committed JSON Schema and reports the basics', () => {
    expect(g.root).toBe(s.root);
    expect([g.has_flake, g.has_lock, g.description, g.lock]).toEqual([true, true, 'Fixture genome', { present: true, version: 7 }]);
    expect(g.parse_stats).toMatchObject({ files: 10, parsed: 10, cache_hits: 0, syntax_errors: 1, workers: 2, cache: { enabled: true } });
  });

  it('lists every .nix file with size, digest and parse status', () => {
    expect(g.nix_files.map((f) => [f.path, f.parse.status])).toEqual([
      ['broken/bad.nix', 'syntax-error'],
      ['flake.nix', 'ok'],
      ['hosts/alpha/configuration.nix', 'ok'],
      ['hosts/alpha/hardware.nix', 'ok'],
      ['hosts/beta.nix', 'ok'],
      ['modules/default.nix', 'ok'],
      ['modules/identity.nix', 'ok'],
      ['modules/service.nix', 'ok'],
      ['pkgs/tool/default.nix', 'ok'],
      ['style/trailing.nix', 'ok'],
    ]);
    for (const f of g.nix_files) expect(f.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(g.nix_files.find((f) => f.path === 'hosts/beta.nix')?.bytes).toBe(Buffer.byteLength('{ ... }: { networking.hostName = "beta"; }\n'));
  });

  it('reports a syntax error at path:line:col, confirmed by nix-instantiate --parse', () => {
    const bad = g.nix_files.find((f) => f.path === 'broken/bad.nix')!;
    expect(bad.parse.confirmation).toMatchObject({ status: 'confirmed', tool: 'nix-instantiate --parse' });
    expect(bad.parse.diagnostics).toEqual([
      { location: 'broken/bad.nix:3:7', line: 3, col: 7, message: "syntax error, unexpected ';'", origin: 'nix-instantiate' },
      { location: 'broken/bad.nix:3:7', line: 3, col: 7, message: "missing identifier before ';'", origin: 'tree-sitter' },
    ]);
    expect(state.pain_points.find((p) => p.signal === 'genome files that do not parse')?.evidence).toEqual(["broken/bad.nix:3:7: syntax error, unexpected ';'"]);
  });

  it('treats the trailing comma in formals as benign', () => {
    const f = g.nix_files.find((x) => x.path === 'style/trailing.nix')!;
    expect(f.parse).toEqual({
      status: 'ok',
      diagnostics: [],
      benign: [{ line: 3, col: 8, kind: 'trailing-comma-in-formals', message: expect.stringContaining('trailing comma') }],
    });
  });

  it('reads the direct inputs from flake.lock, and transitive nodes with their follows edges', () => {
    expect(g.inputs.map((i) => [i.name, i.type, `${i.owner}/${i.repo}`, i.rev, i.nar_hash, i.last_modified, i.declared_url])).toEqual([
      ['home-manager', 'github', 'nix-community/home-manager', 'a'.repeat(40), 'sha256-hm', 1700000000, 'github:nix-community/home-manager'],
      ['nixpkgs', 'github', 'NixOS/nixpkgs', 'b'.repeat(40), 'sha256-np', 1710000000, 'github:NixOS/nixpkgs/nixos-unstable'],
    ]);
    expect(g.inputs[0]!.inputs).toEqual([
      { input: 'nixpkgs', to: 'nixpkgs', follows: 'nixpkgs' },
      { input: 'utils', to: 'utils' },
    ]);
    expect(g.transitive_inputs).toEqual([expect.objectContaining({ node: 'utils', type: 'tarball', inputs: [{ input: 'systems', to: 'nixpkgs', follows: 'nixpkgs' }] })]);
  });

  it('lists flake outputs with file and line', () => {
    expect(g.outputs.map((o) => [o.attr, o.static, o.file, o.line, o.value_path ?? null, o.evaluation])).toEqual([
      ['packages.x86_64-linux.tool', true, 'flake.nix', 16, './pkgs/tool', 'not-evaluated'],
      ['devShells.x86_64-linux.default', true, 'flake.nix', 17, null, 'not-evaluated'],
      ['nixosModules.core', true, 'flake.nix', 18, './modules', 'not-evaluated'],
      ['checks.x86_64-linux.<name>', false, 'flake.nix', 19, null, 'not-evaluated'],
      ['nixosConfigurations.alpha', true, 'flake.nix', 20, null, 'not-evaluated'],
      ['nixosConfigurations.beta', true, 'flake.nix', 28, null, 'not-evaluated'],
    ]);
    expect(g.outputs_eval).toEqual({ requested: false, available: false, reason: 'not requested (use --eval)' });
  });

  it('lists hosts with their module files, closure and identity', () => {
    expect(g.hosts).toEqual([
      {
        name: 'alpha',
        source: 'flake',
        file: 'flake.nix',
        line: 20,
        system: 'x86_64-linux',
        modules: ['hosts/alpha/configuration.nix', 'modules/default.nix'],
        external_modules: ['home-manager.nixosModules.home-manager'],
        modules_static: true,
        closure: ['hosts/alpha/configuration.nix', 'modules/default.nix', 'hosts/alpha/hardware.nix', 'modules/identity.nix', 'modules/service.nix'],
        identity: { host: 'alpha-01', roles: ['development', 'research'], host_at: 'hosts/alpha/configuration.nix:5', roles_at: 'hosts/alpha/configuration.nix:6' },
      },
      {
        name: 'beta',
        source: 'flake',
        file: 'flake.nix',
        line: 28,
        system: 'aarch64-linux',
        modules: ['hosts/beta.nix'],
        external_modules: [],
        modules_static: true,
        closure: ['hosts/beta.nix'],
        identity: { host: null, roles: null },
      },
    ]);
    expect(state.identity).toMatchObject({ host: 'alpha-01', roles: ['development', 'research'], source: 'genome' });
  });

  it('reads options, config paths and imports per module', () => {
    const mod = (p: string) => g.modules.find((m) => m.path === p)!;
    expect(mod('modules/identity.nix').options).toEqual([
      { path: 'autopoietic.identity.host', declared_with: 'mkOption', type: 'types.str', default: '"unknown"', description: '"Host name."', example: null, default_value: 'unknown', description_value: 'Host name.', line: 8 },
      {
        path: 'autopoietic.identity.roles',
        declared_with: 'mkOption',
        type: 'types.listOf types.str',
        default: '[ ]',
        description: "''\n        Roles of ${cfg.host}, most important first.\n      ''",
        example: null,
        default_value: [],
        line: 13,
      },
    ]);
    expect(mod('modules/identity.nix').config).toEqual([{ path: 'environment.etc."autopoietic/identity.json".text', line: 21, conditional: false }]);
    expect(mod('modules/default.nix').options.map((o) => [o.path, o.declared_with, o.type, o.default])).toEqual([['fixture.enable', 'mkEnableOption', 'lib.types.bool', 'false']]);
    expect(mod('modules/service.nix').config).toEqual([
      { path: 'systemd.services.fixture-agent.description', line: 5, conditional: true, literal: 'Fixture agent' },
      { path: 'systemd.services.fixture-agent.script', line: 6, conditional: true },
      { path: 'systemd.timers.fixture-agent.timerConfig.OnCalendar', line: 11, conditional: true, literal: 'daily' },
    ]);
    expect(mod('hosts/alpha/configuration.nix').imports).toEqual([
      { expr: './hardware.nix', line: 3, status: 'file', target: 'hosts/alpha/hardware.nix' },
      { expr: '../../missing.nix', line: 3, status: 'missing', target: 'missing.nix' },
    ]);
  });

  it('builds the import graph over the genome', () => {
    expect(g.import_graph).toEqual([
      { from: 'hosts/alpha/configuration.nix', to: 'hosts/alpha/hardware.nix', line: 3 },
      { from: 'modules/default.nix', to: 'modules/identity.nix', line: 4 },
      { from: 'modules/default.nix', to: 'modules/service.nix', line: 5 },
    ]);
  });

  it('maps organs to their source paths', () => {
    expect(g.organs.map((o) => [o.type, o.name, o.source])).toEqual([
      ['dev-shell', 'devShells.default', 'flake.nix'],
      ['nixos-module', 'autopoietic.identity', 'modules/identity.nix'],
      ['nixos-module', 'core', 'modules/default.nix'],
      ['package', 'tool', 'pkgs/tool'],
      ['systemd-service', 'fixture-agent', 'modules/service.nix'],
      // Named as systemctl names the unit: the service and the timer that starts it share a name.
      ['systemd-timer', 'fixture-agent.timer', 'modules/service.nix'],
    ]);
  });
});

// The self-state is the same text in every shell: names are sorted by UTF-16 code units, not by
// the user's locale (under et_EE, `z` sorts before `x`; under en, `alpha` before `Beta`).
describe('os-introspect sorts names the same under every locale', () => {
  const tree = {
    'flake.nix': '{ outputs = { self }: { }; }\n',
    'flake.lock': JSON.stringify({
      version: 7,
      root: 'root',
      nodes: {
        root: { inputs: { zlib: 'zlib', xz: 'xz', Alpha: 'Alpha', beta: 'beta' } },
        zlib: { locked: { type: 'path', path: '/z' } },
        xz: { locked: { type: 'path', path: '/x' } },
        Alpha: { locked: { type: 'path', path: '/a' } },
        beta: { locked: { type: 'path', path: '/b' } },
      },
    }),
    ...Object.fromEntries(['zeta', 'xray', 'alpha', 'Beta'].map((n) => [`packages/${n}/default.nix`, '{ stdenv }: stdenv.mkDerivation { }\n'])),
  };

  it('gives the organs and inputs in code-unit order under C, en_US and et_EE', () => {
    const runs = ['C', 'en_US.UTF-8', 'et_EE.UTF-8'].map((locale) => observe(sandbox(tree), ['--no-cache'], { LANG: locale, LC_ALL: locale }).genome);
    for (const g of runs) {
      expect(g.organs.filter((o) => o.type === 'package').map((o) => o.name)).toEqual(['Beta', 'alpha', 'xray', 'zeta']);
      expect(g.inputs.map((i) => i.name)).toEqual(['Alpha', 'beta', 'xz', 'zlib']);
    }
  });
});

// A public configuration's lib/attrsets.nix used a name it never bound: nix-instantiate --parse
// rejects the file, and it read as "ok" (the grammar has nothing to say about names).
describe('a variable nothing binds', () => {
  it('makes the file a syntax error that nix-instantiate confirms, at the name', () => {
    const s = sandbox({
      'flake.nix': '{ outputs = { self }: { }; }\n',
      'lib/attrs.nix': '{ stdlib }:\nlet\n  inherit (stdlib) filterAttrs;\nin {\n  flatten = set: concatAttrs [ (filterAttrs (n: v: true) set) ];\n}\n',
      'lib/fine.nix': '{ pkgs }:\nwith pkgs; {\n  tools = [ hello jq ];\n}\n',
    });
    const st = observe(s);
    const bad = st.genome.nix_files.find((f) => f.path === 'lib/attrs.nix')!;
    expect(bad.parse.status).toBe('syntax-error');
    expect(bad.parse.confirmation).toMatchObject({ status: 'confirmed', detail: "nix-instantiate --parse: undefined variable 'concatAttrs'" });
    expect(bad.parse.diagnostics.map((d) => [d.location, d.origin, d.message.split(':')[0]])).toEqual([
      ['lib/attrs.nix:5:18', 'nix-instantiate', "undefined variable 'concatAttrs'"],
      ['lib/attrs.nix:5:18', 'tree-sitter', "undefined variable 'concatAttrs'"],
    ]);
    expect(st.genome.nix_files.find((f) => f.path === 'lib/fine.nix')?.parse).toEqual({ status: 'ok', diagnostics: [], benign: [] });
    expect(st.pain_points.find((p) => p.signal === 'genome files that do not parse')?.evidence).toEqual(["lib/attrs.nix:5:18: undefined variable 'concatAttrs'"]);
  });
});
