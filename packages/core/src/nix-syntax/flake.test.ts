import { describe, expect, it } from 'vitest';
import { analyzeNixSource } from './analyze.js';

const FLAKE = `{
  description = "Test genome";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    home-manager = {
      url = "github:nix-community/home-manager";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    utils.flake = false;
  };
  inputs.pinned.follows = "nixpkgs";

  outputs =
    { self, nixpkgs, home-manager, ... }@inputs:
    let
      system = "x86_64-linux";
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: nixpkgs.lib.genAttrs systems f;
      shared = [ ./modules/core ];
    in
    {
      packages = forAllSystems (system: {
        tools = nixpkgs.legacyPackages.\${system}.callPackage ./pkgs/tools { };
        default = self.packages.\${system}.tools;
      });
      apps.\${system}.os-introspect = { type = "app"; program = "x"; };
      checks.\${system} = builtins.listToAttrs [ ] // { smoke = ./tests/smoke.nix; };
      devShells.x86_64-linux.default = nixpkgs.legacyPackages.x86_64-linux.mkShell { };
      formatter.\${system} = nixpkgs.legacyPackages.\${system}.nixfmt;
      nixosModules.autopoietic-core = ./modules/core;
      nixosModules.default = self.nixosModules.autopoietic-core;
      overlays.default = final: prev: { };
      homeConfigurations = builtins.mapAttrs (n: v: v) { };
      nixosConfigurations = {
        aion = nixpkgs.lib.nixosSystem {
          system = "x86_64-linux";
          modules = shared ++ [
            ./hosts/aion/configuration.nix
            home-manager.nixosModules.home-manager
            self.nixosModules.default
            { autopoietic.identity.roles = [ "development" ]; }
          ];
        };
        iso = mkIso { };
      };
      lib = import ./lib;
    };
}
`;

describe('flake facts', () => {
  it('reads declared inputs with follows', async () => {
    const f = (await analyzeNixSource(FLAKE)).flake!;
    expect(f.description).toBe('Test genome');
    expect(f.inputs.map(({ line: _l, ...i }) => i)).toEqual([
      { name: 'nixpkgs', url: 'github:NixOS/nixpkgs/nixos-unstable', flake: null, follows: null, input_follows: [] },
      { name: 'home-manager', url: 'github:nix-community/home-manager', flake: null, follows: null, input_follows: [{ input: 'nixpkgs', follows: 'nixpkgs' }] },
      { name: 'utils', url: null, flake: false, follows: null, input_follows: [] },
      { name: 'pinned', url: null, flake: null, follows: 'nixpkgs', input_follows: [] },
    ]);
  });

  it('reads an input url written as an unquoted URI', async () => {
    // As older flakes write it (`nixos-hardware.url = github:NixOS/nixos-hardware/master;`); it read as no url.
    const src = '{ inputs.hw.url = github:NixOS/nixos-hardware/master; inputs.x.url = "path:./x"; outputs = _: { }; }';
    expect((await analyzeNixSource(src)).flake!.inputs.map((i) => [i.name, i.url])).toEqual([
      ['hw', 'github:NixOS/nixos-hardware/master'],
      ['x', 'path:./x'],
    ]);
  });

  it('lists outputs with their file line, the system when literal, and computed names as such', async () => {
    const f = (await analyzeNixSource(FLAKE)).flake!;
    expect(f.outputs.map((o) => [o.attr, o.static, o.line, o.value_path ?? null])).toEqual([
      ['packages.<system>.tools', true, 24, './pkgs/tools'],
      ['packages.<system>.default', true, 25, null],
      ['apps.x86_64-linux.os-introspect', true, 27, null],
      ['checks.x86_64-linux.<name>', false, 28, null],
      ['checks.x86_64-linux.smoke', true, 28, './tests/smoke.nix'],
      ['devShells.x86_64-linux.default', true, 29, null],
      ['formatter.x86_64-linux', true, 30, null],
      ['nixosModules.autopoietic-core', true, 31, './modules/core'],
      ['nixosModules.default', true, 32, null],
      ['overlays.default', true, 33, null],
      // homeConfigurations = mapAttrs (…) { }: an empty set, so no output.
      ['nixosConfigurations.aion', true, 36, null],
      ['nixosConfigurations.iso', true, 45, null],
      ['lib', true, 47, './lib'],
    ]);
    expect(f.outputs_static).toBe(true);
  });

  it('reads nixosConfigurations hosts with their module lists', async () => {
    const f = (await analyzeNixSource(FLAKE)).flake!;
    expect(f.hosts.map((h) => ({ ...h, modules: h.modules.map((m) => [m.kind, m.path ?? m.output ?? m.expr]) }))).toEqual([
      {
        name: 'aion',
        line: 36,
        system: 'x86_64-linux',
        modules_static: true,
        modules: [
          ['path', './modules/core'],
          ['path', './hosts/aion/configuration.nix'],
          ['input', 'home-manager.nixosModules.home-manager'],
          ['output', 'nixosModules.default'],
          ['inline', '{ autopoietic.identity.roles = [ "development" ]; }'],
        ],
      },
      { name: 'iso', line: 45, system: null, modules_static: false, modules: [] },
    ]);
    expect(f.hosts[0]!.modules[4]!.config!.map((s) => [s.path, s.literal])).toEqual([['autopoietic.identity.roles', ['development']]]);
  });

  it('follows flake-utils eachDefaultSystem and flake-parts perSystem', async () => {
    const utils = `{ outputs = { self, flake-utils, ... }: flake-utils.lib.eachDefaultSystem (system: { packages.hello = 1; devShells.default = 2; }) // { overlays.x = 3; }; }`;
    const parts = `{ outputs = inputs: inputs.flake-parts.lib.mkFlake { inherit inputs; } { systems = [ ]; perSystem = { pkgs, ... }: { packages.a = 1; }; flake.nixosModules.m = ./m.nix; }; }`;
    expect((await analyzeNixSource(utils)).flake!.outputs.map((o) => o.attr)).toEqual(['packages.<system>.hello', 'devShells.<system>.default', 'overlays.x']);
    // flake-utils puts every attribute under the system, one of its own too.
    const own = `{ outputs = { flake-utils, ... }: flake-utils.lib.eachDefaultSystem (system: rec { pkgs = import ./pkgs.nix; formatter = pkgs.alejandra; }); }`;
    expect((await analyzeNixSource(own)).flake!.outputs.map((o) => [o.attr, o.per_system])).toEqual([
      ['pkgs.<system>', true],
      ['formatter.<system>', true],
    ]);
    expect((await analyzeNixSource(parts)).flake!.outputs.map((o) => [o.attr, o.value_path ?? null])).toEqual([
      ['packages.<system>.a', null],
      ['nixosModules.m', './m.nix'],
    ]);
  });

  it('reads `inherit system;` in nixosSystem arguments from the let scope', async () => {
    const src = '{ outputs = { nixpkgs, ... }: let system = "aarch64-linux"; in { nixosConfigurations.h = nixpkgs.lib.nixosSystem { inherit system; modules = [ ./h.nix ]; }; }; }';
    expect((await analyzeNixSource(src)).flake!.hosts.map((h) => [h.name, h.system, h.modules.map((m) => m.path)])).toEqual([['h', 'aarch64-linux', ['./h.nix']]]);
  });

  it('reads hosts built by withSystem (flake-parts) and by a helper bound in the let', async () => {
    const src = `{
  outputs = inputs@{ flake-parts, nixpkgs, self, ... }:
    let
      mkHost = name: system: nixpkgs.lib.nixosSystem {
        inherit system;
        modules = [ ./hosts/\${name} ./common.nix { networking.hostName = name; } ];
      };
      mkFrom = path: nixpkgs.lib.nixosSystem { modules = [ path self.nixosModules.base ]; };
      mkNamed = { hostname, system ? "aarch64-linux", extra ? [ ] }:
        nixpkgs.lib.nixosSystem { inherit system; modules = [ (import ./hosts/\${hostname}/default.nix) ] ++ extra; };
      mkDyn = name: nixpkgs.lib.nixosSystem { modules = [ ./hosts/\${name} ]; };
      external = import ./lib/mk-host.nix;
    in
    flake-parts.lib.mkFlake { inherit inputs; } ({ withSystem, ... }: {
      flake.nixosConfigurations = {
        ws = withSystem "x86_64-linux" ({ config, ... }: nixpkgs.lib.nixosSystem { modules = [ ./hosts/ws ]; });
        a = mkHost "a" "x86_64-linux";
        b = mkFrom ./machines/b.nix;
        c = mkNamed { hostname = "c"; extra = [ ./extra.nix ]; };
        d = mkDyn inputs.name;
        e = external "e";
        f = mkHost "f";
        g = mkNamed inputs.args;
        h = mkDyn "../x";
      };
    });
}`;
    const f = (await analyzeNixSource(src)).flake!;
    expect(f.hosts.map((h) => [h.name, h.system, h.modules_static, h.modules.map((m) => [m.kind, m.path ?? m.output ?? m.expr, m.line])])).toEqual([
      ['ws', null, true, [['path', './hosts/ws', 16]]],
      [
        'a',
        'x86_64-linux',
        true,
        [
          ['path', './hosts/a', 6],
          ['path', './common.nix', 6],
          ['inline', '{ networking.hostName = name; }', 6],
        ],
      ],
      [
        'b',
        null,
        true,
        [
          ['path', './machines/b.nix', 8],
          ['output', 'nixosModules.base', 8],
        ],
      ],
      [
        'c',
        'aarch64-linux',
        true,
        [
          ['path', './hosts/c/default.nix', 10],
          ['path', './extra.nix', 19],
        ],
      ],
      ['d', null, true, [['expression', './hosts/${name}', 11]]],
      ['e', null, false, []],
      ['f', null, false, []],
      ['g', null, false, []],
      ['h', null, true, [['expression', './hosts/${name}', 11]]],
    ]);
    // The helper's parameter stands for the argument: the inline module names the host.
    expect(f.hosts[1]!.modules[2]!.config!.map((s) => [s.path, s.value, s.literal])).toEqual([['networking.hostName', 'name', 'a']]);
  });

  // A real configuration's helper (h7x4/nix-dotfiles) gave every host "modules computed": its call
  // takes `({ modules = [ … ] ++ (extra.modules or [ ]); } // removeAttrs extra [ "modules" ])`.
  it("reads a helper's `{ … } // extra` argument, and `extra.modules or [ ]` for the extra modules given", async () => {
    const src = `{
  outputs = { nixpkgs, inputs, ... }:
    let
      nixSys = name: extraConfig:
        nixpkgs.lib.nixosSystem ({
          system = "x86_64-linux";
          modules = [ ./hosts/\${name}/configuration.nix ] ++ (extraConfig.modules or [ ]);
        } // (builtins.removeAttrs extraConfig [ "modules" "specialArgs" ]));
      open = extra: nixpkgs.lib.nixosSystem ({ system = "aarch64-linux"; modules = [ ./common.nix ]; } // extra);
    in {
      nixosConfigurations = {
        a = nixSys "a" { };
        b = nixSys "b" { modules = [ ./extra.nix ]; };
        c = nixSys "c" { system = "aarch64-linux"; };
        d = open { };
        e = open { modules = [ ./other.nix ]; };
        f = open inputs.settings;
        g = nixSys "g" inputs.settings;
        h = nixSys "h" { modules = [ ./h-extra.nix ]; system = "riscv64-linux"; };
      };
    };
}`;
    const f = (await analyzeNixSource(src)).flake!;
    expect(f.hosts.map((h) => [h.name, h.system, h.modules_static, h.modules.map((m) => m.path ?? m.expr)])).toEqual([
      ['a', 'x86_64-linux', true, ['./hosts/a/configuration.nix']],
      ['b', 'x86_64-linux', true, ['./hosts/b/configuration.nix', './extra.nix']],
      // What the helper is given replaces what it writes, but for the names it removes.
      ['c', 'aarch64-linux', true, ['./hosts/c/configuration.nix']],
      ['d', 'aarch64-linux', true, ['./common.nix']],
      ['e', 'aarch64-linux', true, ['./other.nix']],
      // An operand not written out may replace the list: the modules read are not all there is.
      ['f', null, false, ['./common.nix']],
      // Given a set not written out: `system` may be replaced (removeAttrs keeps it), and the extra modules are not known.
      ['g', null, false, ['./hosts/g/configuration.nix']],
      ['h', 'riscv64-linux', true, ['./hosts/h/configuration.nix', './h-extra.nix']],
    ]);
  });

  it('never substitutes . or .. for a name in a module path, never lets a parameter with no value take an outer name, and calls only self.nixosModules own', async () => {
    const src = `{
  outputs = { nixpkgs, vendor, ... }:
    let
      hostname = "outer";
      mkDyn = name: nixpkgs.lib.nixosSystem { modules = [ ./hosts/\${name} ]; };
      mkNamed = { hostname }: nixpkgs.lib.nixosSystem { modules = [ ./hosts/\${hostname} ]; };
    in {
      nixosConfigurations = {
        up = mkDyn "..";
        here = mkDyn ".";
        ok = mkDyn "ok";
        none = mkNamed { };
        v = nixpkgs.lib.nixosSystem { modules = [ vendor.self.nixosModules.base ]; };
      };
    };
}`;
    const f = (await analyzeNixSource(src)).flake!;
    expect(f.hosts.map((h) => [h.name, h.modules_static, h.modules.map((m) => [m.kind, m.path ?? m.output ?? m.expr])])).toEqual([
      ['up', true, [['expression', './hosts/${name}']]],
      ['here', true, [['expression', './hosts/${name}']]],
      ['ok', true, [['path', './hosts/ok']]],
      ['none', false, []],
      ['v', true, [['input', 'vendor.self.nixosModules.base']]],
    ]);
  });

  it('names outputs made by genAttrs over a written-out list, and reads each host as the function applied to its name', async () => {
    const src = `{
  outputs = { nixpkgs, ... }:
    let
      hosts = [ "a" "b" ];
      mkHost = name: nixpkgs.lib.nixosSystem { modules = [ ./hosts/\${name}.nix ]; };
    in {
      nixosConfigurations = nixpkgs.lib.genAttrs hosts mkHost // {
        c = nixpkgs.lib.nixosSystem { modules = [ ./c.nix ]; };
      };
      homeConfigurations = nixpkgs.lib.genAttrs [ "u" ] (user: { });
      darwinConfigurations = nixpkgs.lib.genAttrs (builtins.attrNames (builtins.readDir ./d)) mkHost;
      nixosModules = nixpkgs.lib.genAttrs [ "x" "\${y}" ] (n: ./m);
      templates = builtins.mapAttrs (n: v: v) { t = 1; };
    };
}`;
    const f = (await analyzeNixSource(src)).flake!;
    expect(f.outputs.map((o) => [o.attr, o.static, o.line, o.read_dir ?? null])).toEqual([
      // genAttrs joined by `//`: each side is read (the names' lines are those of their strings).
      ['nixosConfigurations.a', true, 4, null],
      ['nixosConfigurations.b', true, 4, null],
      ['nixosConfigurations.c', true, 8, null],
      ['homeConfigurations.u', true, 10, null],
      ['darwinConfigurations.<name>', false, 11, './d'],
      ['nixosModules.<name>', false, 12, null],
      ['templates.t', true, 13, null],
    ]);
    expect(f.hosts.map((h) => [h.name, h.modules.map((m) => m.path)])).toEqual([
      ['a', ['./hosts/a.nix']],
      ['b', ['./hosts/b.nix']],
      ['c', ['./c.nix']],
    ]);
    const direct = `{
  outputs = { nixpkgs, ... }: let hosts = [ "a" "b" ]; mkHost = name: nixpkgs.lib.nixosSystem { modules = [ ./hosts/\${name}.nix ]; }; in {
    nixosConfigurations = nixpkgs.lib.genAttrs hosts mkHost;
    homeConfigurations = nixpkgs.lib.genAttrs [ "c" ] (name: nixpkgs.lib.nixosSystem {
      system = "aarch64-linux";
      modules = [ ./hosts/\${name} { networking.hostName = name; } ];
    });
  };
}`;
    const d = (await analyzeNixSource(direct)).flake!;
    expect(d.outputs.map((o) => [o.attr, o.static, o.line])).toEqual([
      ['nixosConfigurations.a', true, 2],
      ['nixosConfigurations.b', true, 2],
      ['homeConfigurations.c', true, 4],
    ]);
    expect(d.hosts.map((h) => [h.name, h.line, h.system, h.modules_static, h.modules.map((m) => [m.kind, m.path ?? m.expr])])).toEqual([
      ['a', 2, null, true, [['path', './hosts/a.nix']]],
      ['b', 2, null, true, [['path', './hosts/b.nix']]],
    ]);
  });

  it("marks an output whose value is only a name from an input as that input's (a re-export, not the genome's part)", async () => {
    const src = `{
  outputs = { self, nixpkgs, nur, ... }@inputs:
    let local = { overlay = final: prev: { }; }; in {
      overlays.nur = inputs.nur.overlay;
      overlays.nur-default = nur.overlays.default;
      overlays.own = final: prev: { };
      overlays.file = import ./overlay.nix;
      overlays.alias = self.overlays.own;
      overlays.local = local.overlay;
      nixosModules.hm = inputs.home-manager.nixosModules.default;
      packages.x86_64-linux.hello = nixpkgs.legacyPackages.x86_64-linux.hello;
    };
}`;
    const f = (await analyzeNixSource(src)).flake!;
    expect(f.outputs.map((o) => [o.attr, o.from_input ?? null])).toEqual([
      ['overlays.nur', 'nur'],
      ['overlays.nur-default', 'nur'],
      ['overlays.own', null],
      ['overlays.file', null],
      ['overlays.alias', null],
      ['overlays.local', null],
      ['nixosModules.hm', 'home-manager'],
      ['packages.x86_64-linux.hello', 'nixpkgs'],
    ]);
    // Only flake.nix's outputs function binds its inputs: a name it does not bind is not an input.
    const other = (await analyzeNixSource('{ outputs = _: { overlays.nur = inputs.nur.overlay; }; }')).flake!;
    expect(other.outputs.map((o) => o.from_input ?? null)).toEqual([null]);
  });

  it('reads outputs written as inherited names: from the let scope, from an attrset named in scope, else as computed', async () => {
    const src = `{
  outputs = { nixpkgs, ... }:
    let
      nixosConfigurations = {
        foo = nixpkgs.lib.nixosSystem { system = "x86_64-linux"; modules = [ ./hosts/foo.nix ]; };
      };
      shared = { overlays = { tools = import ./overlay.nix; }; };
      hosts = { inherit bar; };
      bar = nixpkgs.lib.nixosSystem { modules = [ ./hosts/bar.nix ]; };
    in
    { inherit nixosConfigurations; inherit (shared) overlays; inherit (made nixpkgs) packages; lib = { }; }
    // { homeConfigurations = hosts; };
}`;
    const f = (await analyzeNixSource(src)).flake!;
    expect(f.outputs.map((o) => [o.attr, o.static, o.line])).toEqual([
      ['nixosConfigurations.foo', true, 5],
      ['overlays.tools', true, 7],
      ['packages.<system>.<name>', false, 11],
      ['lib', true, 11],
      ['homeConfigurations.bar', true, 8],
    ]);
    expect(f.outputs_static).toBe(false);
    expect(f.hosts.map((h) => [h.name, h.system, h.modules.map((m) => m.path)])).toEqual([['foo', 'x86_64-linux', ['./hosts/foo.nix']]]);
    // An inherit that lists its names on lines of their own places each output at its name.
    const split = (await analyzeNixSource('{\n  outputs = { nixpkgs, ... }: let f = import ./f.nix; in {\n    inherit (f)\n      overlays\n      nixosModules;\n  };\n}\n')).flake!;
    expect(split.outputs.map((o) => [o.attr, o.line, o.col])).toEqual([
      ['overlays.<name>', 4, 7],
      ['nixosModules.<name>', 5, 7],
    ]);
  });

  it('marks outputs computed by an unknown function as not static', async () => {
    const f = (await analyzeNixSource('{ outputs = inputs: import ./outputs.nix inputs; }')).flake!;
    expect(f.outputs).toEqual([]);
    expect(f.outputs_static).toBe(false);
  });
});
