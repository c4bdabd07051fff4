import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../../../../tests/support/tmp.js';
import { genomeHosts, type GenomeHost } from './genome-graph.js';
import { openGenomeIndex } from './genome-files.js';
import { readFlake } from './flake-files.js';
import { analyzeNixSource } from './analyze.js';

/** Hosts as [name, source, file:line, system, modules, external, static]. */
function brief(hosts: GenomeHost[]): unknown[] {
  return hosts.map((h) => [h.name, h.source, `${h.file}:${h.line ?? '-'}`, h.system, h.modules, h.external_modules, h.modules_static]);
}

async function hostsOf(tree: Record<string, string>): Promise<{ hosts: unknown[]; outputs: string[] }> {
  const root = tempDir();
  writeTree(root, tree);
  const index = await openGenomeIndex(root);
  const flake = index.analysis('flake.nix')!.flake!;
  const reading = readFlake(index, 'flake.nix', flake);
  const outputs = reading.outputs.filter((o) => o.decl.category === 'nixosConfigurations').map((o) => `${o.decl.attr} ${o.file}:${o.decl.line}`);
  return { hosts: brief(genomeHosts(index, 'flake.nix', reading)), outputs };
}

describe('hosts a flake names through mapAttrs, genAttrs joined by //, and readDir', () => {
  it('names the hosts of mapAttrs over an attrset (bound in the let or written in place), each read as the function applied to name and value', async () => {
    const r = await hostsOf({
      'flake.nix': `{
  outputs = { nixpkgs, self, ... }:
    let
      lib = nixpkgs.lib;
      machines = {
        desk = { system = "x86_64-linux"; };
        "pi-4" = { system = "aarch64-linux"; };
      };
      mkHost = name: cfg: lib.nixosSystem {
        inherit (cfg) system;
        modules = [ ./hosts/\${name}.nix { networking.hostName = name; } ];
      };
    in {
      nixosConfigurations = lib.mapAttrs mkHost machines // builtins.mapAttrs (name: _: lib.nixosSystem { modules = [ ./vm.nix ]; }) { vm = { }; };
    };
}`,
      'hosts/desk.nix': '{ ... }: { }',
      'hosts/pi-4.nix': '{ ... }: { }',
      'vm.nix': '{ ... }: { }',
    });
    expect(r.outputs).toEqual(['nixosConfigurations.desk flake.nix:6', 'nixosConfigurations.pi-4 flake.nix:7', 'nixosConfigurations.vm flake.nix:14']);
    expect(r.hosts).toEqual([
      // `inherit (cfg) system;`: cfg stands for the attrset mapAttrs gives, so its system is read.
      ['desk', 'flake', 'flake.nix:6', 'x86_64-linux', ['hosts/desk.nix'], [], true],
      ['pi-4', 'flake', 'flake.nix:7', 'aarch64-linux', ['hosts/pi-4.nix'], [], true],
      ['vm', 'flake', 'flake.nix:14', null, ['vm.nix'], [], true],
    ]);
  });

  it('names genAttrs hosts joined by // with written-out ones', async () => {
    const r = await hostsOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }: {
    nixosConfigurations = nixpkgs.lib.genAttrs [ "a" "b" ] (name: nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ./hosts/\${name} ];
    }) // {
      iso = nixpkgs.lib.nixosSystem { modules = [ ./iso.nix ]; };
    };
  };
}`,
      'hosts/a/default.nix': '{ }',
      'hosts/b/default.nix': '{ }',
      'iso.nix': '{ }',
    });
    expect(r.hosts).toEqual([
      ['a', 'flake', 'flake.nix:3', 'x86_64-linux', ['hosts/a/default.nix'], [], true],
      ['b', 'flake', 'flake.nix:3', 'x86_64-linux', ['hosts/b/default.nix'], [], true],
      ['iso', 'flake', 'flake.nix:7', null, ['iso.nix'], [], true],
    ]);
  });

  it('reports hosts named by readDir as computed, and lists the directory it reads', async () => {
    const r = await hostsOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }: let mkHost = name: nixpkgs.lib.nixosSystem { modules = [ ./machines/\${name} ]; }; in {
    nixosConfigurations = nixpkgs.lib.mapAttrs (name: _: mkHost name) (nixpkgs.lib.filterAttrs (_: t: t == "directory") (builtins.readDir ./machines));
  };
}`,
      'machines/alpha/configuration.nix': '{ }',
      'machines/beta/default.nix': '{ }',
      'machines/notes/readme.nix': '{ }',
      'hosts/not-these/default.nix': '{ }',
    });
    expect(r.outputs).toEqual(['nixosConfigurations.<name> flake.nix:3']);
    expect(r.hosts).toEqual([
      ['alpha', 'convention', 'machines/alpha/configuration.nix:-', null, ['machines/alpha/configuration.nix'], [], true],
      ['beta', 'convention', 'machines/beta/default.nix:-', null, ['machines/beta/default.nix'], [], true],
    ]);
  });
});

describe('hosts written through `inherit (set) x`, set a name bound to an attrset written out', () => {
  it('reads a host whose nixosSystem settings or helper arguments are inherited from a set, also when the host itself is', async () => {
    const r = await hostsOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }:
    let
      defs = { system = "aarch64-linux"; modules = [ ./hosts/a.nix ]; };
      args = { hostname = "b"; };
      mkNamed = { hostname }: nixpkgs.lib.nixosSystem { modules = [ ./hosts/\${hostname}.nix ]; };
      hosts = {
        a = nixpkgs.lib.nixosSystem { inherit (defs) system modules; };
        b = mkNamed { inherit (args) hostname; };
        c = nixpkgs.lib.nixosSystem { modules = [ ./hosts/c.nix ]; };
      };
    in {
      nixosConfigurations = {
        inherit (hosts) a;
        inherit (hosts) b;
        inherit (hosts) c;
      };
    };
}`,
      'hosts/a.nix': '{ }',
      'hosts/b.nix': '{ }',
      'hosts/c.nix': '{ }',
    });
    expect(r.outputs).toEqual(['nixosConfigurations.a flake.nix:14', 'nixosConfigurations.b flake.nix:15', 'nixosConfigurations.c flake.nix:16']);
    expect(r.hosts).toEqual([
      ['a', 'flake', 'flake.nix:14', 'aarch64-linux', ['hosts/a.nix'], [], true],
      ['b', 'flake', 'flake.nix:15', null, ['hosts/b.nix'], [], true],
      ['c', 'flake', 'flake.nix:16', null, ['hosts/c.nix'], [], true],
    ]);
  });

  it('reads a host mapAttrs names from `{ inherit (defs) b; }` as the function applied to its name and inherited value', async () => {
    const r = await hostsOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }:
    let defs = { b = ./hosts/b.nix; }; in {
      nixosConfigurations = nixpkgs.lib.mapAttrs (name: path: nixpkgs.lib.nixosSystem { modules = [ path ]; }) {
        inherit (defs) b;
      };
    };
}`,
      'hosts/b.nix': '{ }',
    });
    expect(r.outputs).toEqual(['nixosConfigurations.b flake.nix:5']);
    expect(r.hosts).toEqual([['b', 'flake', 'flake.nix:5', null, ['hosts/b.nix'], [], true]]);
  });

  it("reads a helper's body where the helper is written, and a mapAttrs value where the set is written, not where they are called", async () => {
    const r = await hostsOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }:
    let
      common = ./modules/common.nix;
      extra = ./modules/extra.nix;
      mkHost = name: nixpkgs.lib.nixosSystem { modules = [ common ./hosts/\${name}.nix ]; };
      machines = { b = { modules = [ extra ]; }; };
    in {
      nixosConfigurations = let common = ./modules/other.nix; extra = ./modules/other.nix; in {
        a = mkHost "a";
      } // nixpkgs.lib.mapAttrs (name: cfg: nixpkgs.lib.nixosSystem { inherit (cfg) modules; }) machines;
    };
}`,
      'modules/common.nix': '{ }',
      'modules/other.nix': '{ }',
      'modules/extra.nix': '{ }',
      'hosts/a.nix': '{ }',
    });
    // `common` and `extra` are the outer let's, not those of the let where the hosts are named.
    expect(r.hosts).toEqual([
      ['a', 'flake', 'flake.nix:10', null, ['modules/common.nix', 'hosts/a.nix'], [], true],
      ['b', 'flake', 'flake.nix:7', null, ['modules/extra.nix'], [], true],
    ]);
  });

  it('leaves a set it cannot read (not an attrset in scope, a dotted name, a call) as unresolved as before', async () => {
    const r = await hostsOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }:
    let
      notAnAttrset = import ./defs.nix;
      a = { b = { x = nixpkgs.lib.nixosSystem { modules = [ ./x.nix ]; }; hostname = "x"; modules = [ ./x.nix ]; }; };
      mkNamed = { hostname }: nixpkgs.lib.nixosSystem { modules = [ ./hosts/\${hostname}.nix ]; };
    in {
      nixosConfigurations = {
        inherit (notAnAttrset) x;
        inherit (a.b) y;
        p = nixpkgs.lib.nixosSystem { inherit (notAnAttrset) modules; };
        q = nixpkgs.lib.nixosSystem { inherit (a.b) modules; };
        r = mkNamed { inherit (a.b) hostname; };
        s = mkNamed { inherit (mk a) hostname; };
      } // nixpkgs.lib.mapAttrs (name: path: nixpkgs.lib.nixosSystem { modules = [ path ]; }) {
        inherit (notAnAttrset) t;
        inherit (a.b) u;
      };
    };
}`,
      'defs.nix': '{ x = 1; }',
      'x.nix': '{ }',
      'hosts/x.nix': '{ }',
    });
    expect(r.outputs).toEqual([
      'nixosConfigurations.x flake.nix:9',
      'nixosConfigurations.y flake.nix:10',
      'nixosConfigurations.p flake.nix:11',
      'nixosConfigurations.q flake.nix:12',
      'nixosConfigurations.r flake.nix:13',
      'nixosConfigurations.s flake.nix:14',
      'nixosConfigurations.t flake.nix:16',
      'nixosConfigurations.u flake.nix:17',
    ]);
    // Each host is there, at its line, with no module read: as before `inherit (set) x` was read.
    const lines: [string, number][] = [['x', 9], ['y', 10], ['p', 11], ['q', 12], ['r', 13], ['s', 14], ['t', 16], ['u', 17]];
    expect(r.hosts).toEqual(lines.map(([h, line]) => [h, 'flake', `flake.nix:${line}`, null, [], [], false]));
  });
});

describe('hosts a flake reads from other files', () => {
  const IMPORTED = {
    'flake.nix': `{
  outputs = inputs@{ nixpkgs, self, ... }: {
    nixosModules.base = ./modules/base.nix;
    nixosConfigurations = import ./hosts { inherit inputs; };
  };
}`,
    'hosts/default.nix': `{ inputs }:
let
  inherit (inputs.nixpkgs) lib;
  mkHost = name: lib.nixosSystem { modules = [ ./\${name} inputs.self.nixosModules.base ]; };
in
{
  desk = lib.nixosSystem {
    system = "x86_64-linux";
    modules = [ ./desk ../modules/shared.nix inputs.home-manager.nixosModules.default ];
  };
  laptop = mkHost "laptop";
  edge = import ./edge.nix { inherit inputs; };
  edge2 = import ./edge.nix { inherit inputs; };
  gone = import ./gone.nix { inherit inputs; };
} // import ./more.nix inputs`,
    'hosts/more.nix': `inputs: (import ./default.nix { inherit inputs; }) // {
  extra = inputs.nixpkgs.lib.nixosSystem { modules = [ ./extra.nix ]; };
}`,
    'hosts/edge.nix': `{ inputs }:
inputs.nixpkgs.lib.nixosSystem {
  system = "aarch64-linux";
  modules = [ ./edge/configuration.nix ];
}`,
    'hosts/desk/default.nix': '{ }',
    'hosts/laptop/default.nix': '{ }',
    'hosts/edge/configuration.nix': '{ }',
    'hosts/extra.nix': '{ }',
    'modules/base.nix': '{ }',
    'modules/shared.nix': '{ }',
  };

  it('reads `nixosConfigurations = import ./hosts { … }` in that file, a host imported from a file of its own, and stops at a cycle', async () => {
    const r = await hostsOf(IMPORTED);
    expect(r.outputs).toEqual([
      'nixosConfigurations.desk hosts/default.nix:7',
      'nixosConfigurations.laptop hosts/default.nix:11',
      'nixosConfigurations.edge hosts/default.nix:12',
      'nixosConfigurations.edge2 hosts/default.nix:13',
      'nixosConfigurations.gone hosts/default.nix:14',
      // more.nix imports default.nix again (a cycle): that part stays computed.
      'nixosConfigurations.<name> hosts/more.nix:1',
      'nixosConfigurations.extra hosts/more.nix:2',
    ]);
    expect(r.hosts).toEqual([
      ['desk', 'flake', 'hosts/default.nix:7', 'x86_64-linux', ['hosts/desk/default.nix', 'modules/shared.nix'], ['inputs.home-manager.nixosModules.default'], true],
      ['laptop', 'flake', 'hosts/default.nix:11', null, ['hosts/laptop/default.nix', 'modules/base.nix'], [], true],
      ['edge', 'flake', 'hosts/default.nix:12', 'aarch64-linux', ['hosts/edge/configuration.nix'], [], true],
      ['edge2', 'flake', 'hosts/default.nix:13', 'aarch64-linux', ['hosts/edge/configuration.nix'], [], true],
      ['gone', 'flake', 'hosts/default.nix:14', null, [], [], false],
      ['extra', 'flake', 'hosts/more.nix:2', null, ['hosts/extra.nix'], [], true],
    ]);
  });

  it('keeps the output computed when the imported file is missing, outside the root, or names no host', async () => {
    for (const target of ['./nowhere', '../outside', './plain.nix']) {
      const r = await hostsOf({
        'flake.nix': `{ outputs = inputs: { nixosConfigurations = import ${target} inputs; }; }`,
        'plain.nix': 'inputs: import ../lib/mk-hosts.nix inputs',
        'hosts/conv/configuration.nix': '{ }',
      });
      expect(r.outputs, target).toEqual(['nixosConfigurations.<name> flake.nix:1']);
      expect(r.hosts, target).toEqual([['conv', 'convention', 'hosts/conv/configuration.nix:-', null, ['hosts/conv/configuration.nix'], [], true]]);
    }
  });

  it('reads flake-parts modules the mkFlake module imports (and what they import) for flake.nixosConfigurations', async () => {
    const r = await hostsOf({
      'flake.nix': `{
  inputs.flake-parts.url = "github:hercules-ci/flake-parts";
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      systems = [ "x86_64-linux" ];
      imports = [ ./parts ./parts/loop.nix ];
    };
}`,
      'parts/default.nix': '{ imports = [ ./hosts.nix ./loop.nix ./config.nix ]; }',
      'parts/loop.nix': '{ imports = [ ./default.nix ]; }',
      'parts/hosts.nix': `{ inputs, withSystem, ... }:
{
  flake.nixosModules.common = ../modules/common.nix;
  flake.nixosConfigurations = {
    desk = withSystem "x86_64-linux" ({ ... }: inputs.nixpkgs.lib.nixosSystem {
      modules = [ ../hosts/desk inputs.self.nixosModules.common ];
    });
  };
  flake = {
    nixosConfigurations.edge = inputs.nixpkgs.lib.nixosSystem { system = "aarch64-linux"; modules = [ ../hosts/edge.nix ]; };
  };
}`,
      'parts/config.nix': `{ inputs, ... }: {
  config.flake.nixosConfigurations.lab = inputs.nixpkgs.lib.nixosSystem { modules = [ ../hosts/lab.nix ]; };
}`,
      'hosts/desk/default.nix': '{ }',
      'hosts/edge.nix': '{ }',
      'hosts/lab.nix': '{ }',
      'hosts/stray/default.nix': '{ }',
      'modules/common.nix': '{ }',
    });
    expect(r.outputs).toEqual(['nixosConfigurations.desk parts/hosts.nix:5', 'nixosConfigurations.edge parts/hosts.nix:10', 'nixosConfigurations.lab parts/config.nix:2']);
    expect(r.hosts).toEqual([
      ['desk', 'flake', 'parts/hosts.nix:5', null, ['hosts/desk/default.nix', 'modules/common.nix'], [], true],
      ['edge', 'flake', 'parts/hosts.nix:10', 'aarch64-linux', ['hosts/edge.nix'], [], true],
      // `config.flake.…`: the module sets its options under config.
      ['lab', 'flake', 'parts/config.nix:2', null, ['hosts/lab.nix'], [], true],
    ]);
  });

  it('reads every output a flake-parts module defines (flake.…, perSystem), and paths through the `self` flake-parts gives it as paths of the flake', async () => {
    const root = tempDir();
    writeTree(root, {
      'flake.nix': `{
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      imports = [ ./nix/parts ];
      perSystem = { self', pkgs, ... }: {
        packages.default = self'.packages.tool;
      };
    };
}`,
      'nix/parts/default.nix': '{ imports = [ ./hosts.nix ./overlays.nix ./no-self.nix ]; }',
      'nix/parts/hosts.nix': `{ self, inputs, ... }:
{
  flake = {
    nixosConfigurations.desk = inputs.nixpkgs.lib.nixosSystem {
      modules = [
        "\${self}/hosts/desk.nix"
        (self + "/modules/shared.nix")
        "\${inputs.self}/modules/input-self.nix"
        { imports = [ "\${self}/modules/inline.nix" ./local.nix ]; }
      ];
    };
  };
  perSystem = { self', pkgs, ... }: {
    devShells.default = pkgs.mkShell { inputsFrom = [ self'.packages.tool ]; };
    packages.tool = pkgs.callPackage ../../pkgs/tool { };
  };
}`,
      'nix/parts/overlays.nix': `{ inputs, ... }: {
  flake.overlays.default = import ../../overlays/default.nix;
  flake.overlays.nur = inputs.nur.overlays.default;
  config.flake.overlays.extra = final: prev: { };
}`,
      // Without `self` among its arguments, `self` is no flake-parts argument: the path stays computed.
      'nix/parts/no-self.nix': `let self = ./.; in {
  flake.nixosConfigurations.lab = inputs.nixpkgs.lib.nixosSystem { modules = [ "\${self}/hosts/lab.nix" ]; };
}`,
      'nix/parts/local.nix': '{ }',
      'hosts/desk.nix': '{ }',
      'hosts/lab.nix': '{ }',
      'modules/shared.nix': '{ }',
      'modules/input-self.nix': '{ }',
      'modules/inline.nix': '{ }',
      'overlays/default.nix': 'final: prev: { }',
    });
    const index = await openGenomeIndex(root);
    const reading = readFlake(index, 'flake.nix', index.analysis('flake.nix')!.flake!);
    expect(reading.outputs.map((o) => [o.decl.attr, `${o.file}:${o.decl.line}`, o.decl.value_path ?? null, o.decl.from_input ?? null])).toEqual([
      ['packages.<system>.default', 'flake.nix:6', null, null],
      ['nixosConfigurations.desk', 'nix/parts/hosts.nix:4', null, null],
      ['devShells.<system>.default', 'nix/parts/hosts.nix:14', null, null],
      ['packages.<system>.tool', 'nix/parts/hosts.nix:15', '../../pkgs/tool', null],
      ['overlays.default', 'nix/parts/overlays.nix:2', '../../overlays/default.nix', null],
      ['overlays.nur', 'nix/parts/overlays.nix:3', null, 'nur'],
      ['overlays.extra', 'nix/parts/overlays.nix:4', null, null],
      ['nixosConfigurations.lab', 'nix/parts/no-self.nix:2', null, null],
    ]);
    expect(brief(genomeHosts(index, 'flake.nix', reading))).toEqual([
      ['desk', 'flake', 'nix/parts/hosts.nix:4', null, ['hosts/desk.nix', 'modules/shared.nix', 'modules/input-self.nix', 'modules/inline.nix', 'nix/parts/local.nix'], [], true],
      ['lab', 'flake', 'nix/parts/no-self.nix:2', null, [], ['"${self}/hosts/lab.nix"'], true],
    ]);
  });
});

describe("a flake-parts module's own imports through self", () => {
  it('are marked by the analysis with the path they name in the flake, and still dynamic, only when `self` (or `inputs.self`) is an argument of the module', async () => {
    const selfPaths = async (src: string) => (await analyzeNixSource(src)).module?.imports.map((i) => [i.expr, i.dynamic, i.self_path ?? null]);
    expect(await selfPaths('{ self, inputs, ... }: { imports = [ "${self}/parts/a.nix" (self + "/parts/b.nix") "${inputs.self}/parts" "${self}/parts/${name}.nix" ./c.nix ]; }')).toEqual([
      ['"${self}/parts/a.nix"', true, './parts/a.nix'],
      ['self + "/parts/b.nix"', true, './parts/b.nix'],
      ['"${inputs.self}/parts"', true, './parts'],
      ['"${self}/parts/${name}.nix"', true, null],
      ['./c.nix', false, null],
    ]);
    // No `self` argument, or one a `let` hides: nothing is read through it.
    expect(await selfPaths('{ imports = [ "${self}/parts/a.nix" ]; }')).toEqual([['"${self}/parts/a.nix"', true, null]]);
    expect(await selfPaths('{ config, ... }: { imports = [ "${self}/parts/a.nix" ]; }')).toEqual([['"${self}/parts/a.nix"', true, null]]);
    expect(await selfPaths('{ self, ... }: let self = ./.; in { imports = [ "${self}/parts/a.nix" ]; }')).toEqual([['"${self}/parts/a.nix"', true, null]]);
  });

  it('are read as files of the flake for the flake-parts modules mkFlake reaches, which the reading lists', async () => {
    const root = tempDir();
    writeTree(root, {
      'flake.nix': `{
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } { imports = [ ./nix/parts.nix ]; };
}`,
      'nix/parts.nix': '{ self, ... }: { imports = [ "${self}/parts/hosts.nix" (self + "/parts/gone.nix") ]; }',
      'parts/hosts.nix': `{ self, inputs, ... }: {
  imports = [ ./more.nix ];
  flake.nixosConfigurations.desk = inputs.nixpkgs.lib.nixosSystem { modules = [ "\${self}/hosts/desk.nix" ]; };
}`,
      'parts/more.nix': '{ perSystem = { pkgs, ... }: { devShells.default = pkgs.mkShell { }; }; }',
      'hosts/desk.nix': '{ }',
    });
    const index = await openGenomeIndex(root);
    const reading = readFlake(index, 'flake.nix', index.analysis('flake.nix')!.flake!);
    expect(reading.parts).toEqual(['nix/parts.nix', 'parts/hosts.nix', 'parts/more.nix']);
    expect(reading.outputs.map((o) => `${o.decl.attr} ${o.file}:${o.decl.line}`)).toEqual(['nixosConfigurations.desk parts/hosts.nix:3', 'devShells.<system>.default parts/more.nix:1']);
    expect(brief(genomeHosts(index, 'flake.nix', reading))).toEqual([['desk', 'flake', 'parts/hosts.nix:3', null, ['hosts/desk.nix'], [], true]]);
  });
});

describe('module outputs a flake reads from a file that lists them', () => {
  it('names each module of `nixosModules = import ./modules/nixos;` (and homeManagerModules) from that file, its path relative to it', async () => {
    const root = tempDir();
    writeTree(root, {
      'flake.nix': `{
  outputs = { self, nixpkgs, ... }: {
    nixosModules = import ./modules/nixos;
    homeManagerModules = import ./modules/home-manager;
    darwinModules = import ./modules/darwin;
  };
}`,
      'modules/nixos/default.nix': '{\n  # listed here\n  avahi = import ./avahi.nix;\n  beta = (./beta.nix);\n}\n',
      'modules/nixos/avahi.nix': '{ ... }: { }',
      'modules/nixos/beta.nix': '{ ... }: { }',
      'modules/home-manager/default.nix': '{\n  fonts = import ./fonts;\n}\n',
      'modules/home-manager/fonts/default.nix': '{ ... }: { }',
      // Not only modules: a module itself (a setting with a path value), read as one.
      'modules/darwin/default.nix': '{ wallpaper = ./bg.png; dock = import ./dock.nix; }\n',
    });
    const index = await openGenomeIndex(root);
    const reading = readFlake(index, 'flake.nix', index.analysis('flake.nix')!.flake!);
    expect(reading.outputs.map((o) => [o.decl.attr, o.file, o.decl.line, o.decl.value_path ?? null, o.decl.static])).toEqual([
      ['nixosModules.avahi', 'modules/nixos/default.nix', 3, './avahi.nix', true],
      ['nixosModules.beta', 'modules/nixos/default.nix', 4, './beta.nix', true],
      ['homeManagerModules.fonts', 'modules/home-manager/default.nix', 2, './fonts', true],
      ['darwinModules.<name>', 'flake.nix', 5, null, false],
    ]);
    expect(index.analysis('modules/nixos/default.nix')!.module).toBeNull();
    expect(index.analysis('modules/darwin/default.nix')!.module!.config.map((s) => s.path)).toEqual(['wallpaper', 'dock']);
  });
});
