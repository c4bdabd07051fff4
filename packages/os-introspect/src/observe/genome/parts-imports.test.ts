import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../../../../../tests/support/tmp.js';
import { observeGenome } from './index.js';

/** The genome of a tree as os-introspect reads it, and its pain points (no cache). */
async function observed(tree: Record<string, string>) {
  const root = tempDir();
  writeTree(root, tree);
  const g = await observeGenome({ root, memoryDir: tempDir(), eval: false, cache: false, jobs: 'auto' });
  return { s: g.state(), pains: g.pains };
}

describe("flake-parts modules' own imports through self", () => {
  it('are files of flake.nix\'s directory: read for outputs, listed as imports and graph edges; a `self` that is no module argument, or a module no mkFlake reaches, stays dynamic', async () => {
    const { s, pains } = await observed({
      'flake.nix': `{
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      imports = [ ./nix/parts ];
    };
}`,
      'nix/parts/default.nix': `{ self, inputs, ... }: {
  imports = [
    "\${self}/parts/hosts.nix"
    (self + "/parts/shells.nix")
    "\${inputs.self}/parts/overlays.nix"
    "\${self}/parts/gone.nix"
    ./local.nix
  ];
}`,
      'nix/parts/local.nix': `{ self, ... }: let self = ./.; in { imports = [ "\${self}/shadowed.nix" ]; }`,
      'parts/hosts.nix': `{ self, inputs, ... }: {
  flake.nixosConfigurations.desk = inputs.nixpkgs.lib.nixosSystem { modules = [ "\${self}/hosts/desk.nix" ]; };
}`,
      'parts/shells.nix': '{ perSystem = { pkgs, ... }: { devShells.default = pkgs.mkShell { }; }; }',
      'parts/overlays.nix': '{ flake.overlays.default = import ../overlays/default.nix; }',
      'overlays/default.nix': 'final: prev: { }',
      // A NixOS module given `self` by specialArgs: the flake only by convention, so not read.
      'hosts/desk.nix': '{ self, ... }: { imports = [ "${self}/modules/x.nix" ]; }',
      'modules/x.nix': '{ }',
    });
    const importsOf = (path: string) => s.modules.find((m) => m.path === path)?.imports.map((i) => [i.expr, i.line, i.status, i.target]);
    expect(importsOf('nix/parts/default.nix')).toEqual([
      ['"${self}/parts/hosts.nix"', 3, 'file', 'parts/hosts.nix'],
      ['self + "/parts/shells.nix"', 4, 'file', 'parts/shells.nix'],
      ['"${inputs.self}/parts/overlays.nix"', 5, 'file', 'parts/overlays.nix'],
      ['"${self}/parts/gone.nix"', 6, 'missing', 'parts/gone.nix'],
      ['./local.nix', 7, 'file', 'nix/parts/local.nix'],
    ]);
    expect(importsOf('nix/parts/local.nix')).toEqual([['"${self}/shadowed.nix"', 1, 'dynamic', null]]);
    expect(importsOf('hosts/desk.nix')).toEqual([['"${self}/modules/x.nix"', 1, 'dynamic', null]]);
    expect(s.import_graph).toEqual([
      { from: 'nix/parts/default.nix', to: 'parts/hosts.nix', line: 3 },
      { from: 'nix/parts/default.nix', to: 'parts/shells.nix', line: 4 },
      { from: 'nix/parts/default.nix', to: 'parts/overlays.nix', line: 5 },
      { from: 'nix/parts/default.nix', to: 'nix/parts/local.nix', line: 7 },
    ]);
    expect(s.outputs.map((o) => `${o.attr} ${o.file}:${o.line}`)).toEqual([
      'nixosConfigurations.desk parts/hosts.nix:2',
      'devShells.<system>.default parts/shells.nix:1',
      'overlays.default parts/overlays.nix:1',
    ]);
    expect(s.hosts.map((h) => [h.name, h.file, h.modules, h.closure])).toEqual([['desk', 'parts/hosts.nix', ['hosts/desk.nix'], ['hosts/desk.nix']]]);
    expect(s.organs.map((o) => [o.type, o.name, o.source])).toEqual([
      ['dev-shell', 'devShells.default', 'parts/shells.nix'],
      ['overlay', 'overlays.default', 'overlays/default.nix'],
    ]);
    expect(pains.find((p) => p.signal === 'imports of files that do not exist')?.evidence).toEqual([
      'nix/parts/default.nix:6 imports "${self}/parts/gone.nix" (parts/gone.nix does not exist)',
    ]);
  });
});
