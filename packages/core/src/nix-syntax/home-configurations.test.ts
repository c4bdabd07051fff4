import { describe, expect, it } from 'vitest';
import { analyzeNixSource } from './analyze.js';
import type { FlakeOutputDecl } from './output-decl.js';

/** [attr, line, [via, path, line] of each module] of each homeConfigurations output. */
function homes(outputs: readonly FlakeOutputDecl[]): unknown[] {
  return outputs.filter((o) => o.category === 'homeConfigurations').map((o) => [o.attr, o.line, (o.home_modules ?? []).map((r) => [r.via, r.path, r.line])]);
}

describe('standalone Home Manager configurations', () => {
  it('reads the modules of homeManagerConfiguration in flake.nix: paths, import, inline modules, a helper', async () => {
    const f = (await analyzeNixSource(`{
  outputs = { nixpkgs, home-manager, sops-nix, ... }@inputs:
    let
      pkgs = nixpkgs.legacyPackages.x86_64-linux;
      mkHome = system: module: let p = nixpkgs.legacyPackages.\${system}; in
        home-manager.lib.homeManagerConfiguration {
          pkgs = p;
          extraSpecialArgs = { inherit inputs; };
          modules = [ module ./home/common.nix ];
        };
      extra = [ ./home/extra.nix ];
    in {
      homeConfigurations.alice = home-manager.lib.homeManagerConfiguration {
        inherit pkgs;
        extraSpecialArgs = { inherit inputs; };
        modules = [
          ./home/alice.nix
          (import ./home/shell)
          sops-nix.homeManagerModules.sops
          { home.username = "alice"; imports = [ ./home/alice-extra.nix ]; }
          ({ pkgs, ... }: { imports = [ ./home/from-fn.nix ]; })
        ] ++ extra;
      };
      homeConfigurations = {
        # A quoted name is named as the outputs list names it.
        "bob@desk" = inputs.home-manager.lib.homeManagerConfiguration rec {
          inherit pkgs;
          modules = [ ./home/bob.nix ];
        };
        carol = mkHome "x86_64-linux" ./home/carol.nix;
        legacy = home-manager.lib.homeManagerConfiguration { configuration = ./home/legacy.nix; };
        computed = import ./home/computed.nix { inherit inputs; };
      };
      nixosConfigurations.desk = nixpkgs.lib.nixosSystem { modules = [ ./hosts/desk.nix ]; };
    };
}`)).flake!;
    expect(homes(f.outputs)).toEqual([
      [
        'homeConfigurations.alice',
        13,
        [
          ['homeConfigurations.alice', './home/alice.nix', 13],
          ['homeConfigurations.alice', './home/shell', 13],
          ['homeConfigurations.alice', './home/alice-extra.nix', 13],
          ['homeConfigurations.alice', './home/from-fn.nix', 13],
          ['homeConfigurations.alice', './home/extra.nix', 13],
        ],
      ],
      ['homeConfigurations.bob@desk', 26, [['homeConfigurations.bob@desk', './home/bob.nix', 26]]],
      [
        'homeConfigurations.carol',
        30,
        [
          ['homeConfigurations.carol', './home/carol.nix', 30],
          ['homeConfigurations.carol', './home/common.nix', 30],
        ],
      ],
      ['homeConfigurations.legacy', 31, [['homeConfigurations.legacy', './home/legacy.nix', 31]]],
      ['homeConfigurations.computed', 32, []],
    ]);
    // A host's module list is no Home Manager configuration.
    expect(f.outputs.find((o) => o.category === 'nixosConfigurations')?.home_modules).toBeUndefined();
  });

  it('reads the settings of the modules written in place in `modules` (an attrset, a function, a name bound to one), each at its line', async () => {
    const f = (await analyzeNixSource(`{
  outputs = { home-manager, ... }:
    let mail = { systemd.user.services.mail.Service.ExecStart = "mail"; }; in {
      homeConfigurations.alice = home-manager.lib.homeManagerConfiguration {
        modules = [
          ./home/alice.nix
          { programs.git.enable = true; imports = [ ./home/extra.nix ]; }
          ({ pkgs, ... }: { home.packages = [ pkgs.jq ]; })
          mail
          home-manager.homeManagerModules.none
        ];
      };
      homeConfigurations.bob = home-manager.lib.homeManagerConfiguration { modules = [ ./home/bob.nix ]; };
    };
}`)).flake!;
    const config = (attr: string) => f.outputs.find((o) => o.attr === attr)?.home_config?.map((c) => [c.path, c.binding.line, c.literal]);
    expect(config('homeConfigurations.alice')).toEqual([
      ['programs.git.enable', 7, true],
      ['home.packages', 8, undefined],
      ['systemd.user.services.mail.Service.ExecStart', 3, 'mail'],
    ]);
    expect(config('homeConfigurations.bob')).toBeUndefined();
  });

  it("puts a helper's string arguments into the paths it names, and leaves a path it cannot fill in", async () => {
    const f = (await analyzeNixSource(`{
  outputs = { nixpkgs, home-manager, ... }:
    let
      username = "frank";
      mkHome = name: host: home-manager.lib.homeManagerConfiguration {
        modules = [ ./home/\${name}/\${host}.nix (import ./home/\${name}/common.nix) ./home/\${builtins.currentSystem}.nix ];
      };
    in {
      homeConfigurations = {
        "frank@desk" = mkHome username "desk";
        gina = mkHome "gina" "../../etc";
      };
    };
}`)).flake!;
    expect(homes(f.outputs)).toEqual([
      [
        'homeConfigurations.frank@desk',
        10,
        [
          ['homeConfigurations.frank@desk', './home/frank/desk.nix', 10],
          ['homeConfigurations.frank@desk', './home/frank/common.nix', 10],
        ],
      ],
      // A string that is no plain path segment is not put in.
      ['homeConfigurations.gina', 11, [['homeConfigurations.gina', './home/gina/common.nix', 11]]],
    ]);
  });

  it("reads `modules` given by inherit: from a set bound in a let, from the let, from a helper's attrset argument", async () => {
    const f = (await analyzeNixSource(`{
  outputs = { nixpkgs, home-manager, ... }:
    let
      defs = { modules = [ ./home/alice.nix (import ./home/shell) ]; extra = 1; };
      modules = [ ./home/bob.nix ];
      mkHome = args: home-manager.lib.homeManagerConfiguration { inherit (args) modules; };
    in {
      homeConfigurations.alice = home-manager.lib.homeManagerConfiguration {
        pkgs = nixpkgs.legacyPackages.x86_64-linux;
        inherit (defs) modules;
      };
      homeConfigurations.bob = home-manager.lib.homeManagerConfiguration { inherit modules; };
      homeConfigurations.carol = mkHome { modules = [ ./home/carol.nix ]; };
      homeConfigurations.dan = home-manager.lib.homeManagerConfiguration { inherit (nixpkgs.lib) modules; };
    };
}`)).flake!;
    expect(homes(f.outputs)).toEqual([
      [
        'homeConfigurations.alice',
        8,
        [
          ['homeConfigurations.alice', './home/alice.nix', 8],
          ['homeConfigurations.alice', './home/shell', 8],
        ],
      ],
      ['homeConfigurations.bob', 12, [['homeConfigurations.bob', './home/bob.nix', 12]]],
      ['homeConfigurations.carol', 13, [['homeConfigurations.carol', './home/carol.nix', 13]]],
      // A set that is no name bound in the file (an input's attribute): only evaluation knows its modules.
      ['homeConfigurations.dan', 14, []],
    ]);
  });

  it('reads flake.homeConfigurations of a flake-parts module, through withSystem and genAttrs', async () => {
    const a = await analyzeNixSource(`{ inputs, withSystem, ... }: {
  flake.homeConfigurations.dave = withSystem "x86_64-linux" ({ pkgs, ... }:
    inputs.home-manager.lib.homeManagerConfiguration { inherit pkgs; modules = [ ../home/dave.nix ]; });
  flake.homeConfigurations = inputs.nixpkgs.lib.genAttrs [ "erin" ] (user: inputs.home-manager.lib.homeManagerConfiguration {
    modules = [ ../home/shared.nix ];
  });
}`);
    expect(homes(a.hosts?.parts?.outputs ?? [])).toEqual([
      ['homeConfigurations.dave', 2, [['homeConfigurations.dave', '../home/dave.nix', 2]]],
      ['homeConfigurations.erin', 4, [['homeConfigurations.erin', '../home/shared.nix', 4]]],
    ]);
  });

  it('reads configurations under legacyPackages.<system>.homeConfigurations, each under its system', async () => {
    const f = (await analyzeNixSource(`{
  outputs = { nixpkgs, home-manager, ... }:
    let
      mkHome = pkgs: module: home-manager.lib.homeManagerConfiguration { inherit pkgs; modules = [ module ]; };
    in {
      legacyPackages.x86_64-linux.homeConfigurations.alice = home-manager.lib.homeManagerConfiguration {
        pkgs = nixpkgs.legacyPackages.x86_64-linux;
        modules = [ ./home/alice.nix ];
      };
      legacyPackages.aarch64-linux = {
        homeConfigurations = {
          bob = mkHome nixpkgs.legacyPackages.aarch64-linux ./home/bob.nix;
        };
        hello = nixpkgs.legacyPackages.aarch64-linux.hello;
      };
      homeConfigurations.alice = home-manager.lib.homeManagerConfiguration { modules = [ ./home/top.nix ]; };
    };
}`)).flake!;
    expect(homes(f.outputs)).toEqual([
      ['legacyPackages.x86_64-linux.homeConfigurations.alice', 6, [['legacyPackages.x86_64-linux.homeConfigurations.alice', './home/alice.nix', 6]]],
      ['legacyPackages.aarch64-linux.homeConfigurations.bob', 12, [['legacyPackages.aarch64-linux.homeConfigurations.bob', './home/bob.nix', 12]]],
      ['homeConfigurations.alice', 16, [['homeConfigurations.alice', './home/top.nix', 16]]],
    ]);
    const bob = f.outputs.find((o) => o.attr.endsWith('.bob'))!;
    expect([bob.category, bob.system, bob.name, bob.per_system, bob.static]).toEqual(['homeConfigurations', 'aarch64-linux', 'bob', true, true]);
    // The rest of legacyPackages is listed as before; the set of configurations is not an output of its own.
    expect(f.outputs.filter((o) => o.category === 'legacyPackages').map((o) => o.attr)).toEqual(['legacyPackages.aarch64-linux.hello']);
  });

  it('reads a configuration written as a dotted path inside legacyPackages.<system>, or in perSystem', async () => {
    const f = (await analyzeNixSource(`{
  outputs = { nixpkgs, home-manager, ... }: {
    legacyPackages.x86_64-linux = {
      homeConfigurations.alice = home-manager.lib.homeManagerConfiguration {
        pkgs = nixpkgs.legacyPackages.x86_64-linux;
        modules = [ ./home/alice.nix ];
      };
      homeConfigurations.carol.extraSpecialArgs = { };
      homeConfigurations.\${user} = home-manager.lib.homeManagerConfiguration { modules = [ ./home/user.nix ]; };
      hello = nixpkgs.legacyPackages.x86_64-linux.hello;
    };
  };
}`)).flake!;
    expect(homes(f.outputs)).toEqual([
      ['legacyPackages.x86_64-linux.homeConfigurations.alice', 4, [['legacyPackages.x86_64-linux.homeConfigurations.alice', './home/alice.nix', 4]]],
      ['legacyPackages.x86_64-linux.homeConfigurations.carol', 8, []],
      // A computed name: the configuration is there, its value not read (as for homeConfigurations.\${user}).
      ['legacyPackages.x86_64-linux.homeConfigurations.<name>', 9, []],
    ]);
    const [alice, carol, user] = f.outputs.filter((o) => o.category === 'homeConfigurations');
    expect([alice!.system, alice!.name, alice!.per_system, alice!.static]).toEqual(['x86_64-linux', 'alice', true, true]);
    expect([carol!.name, carol!.static]).toEqual(['carol', true]);
    expect([user!.name, user!.static]).toEqual([null, false]);
    expect(f.outputs.filter((o) => o.category === 'legacyPackages').map((o) => o.attr)).toEqual(['legacyPackages.x86_64-linux.hello']);
    const parts = await analyzeNixSource(`{ inputs, ... }: {
  perSystem = { pkgs, ... }: {
    legacyPackages.homeConfigurations.dana = inputs.home-manager.lib.homeManagerConfiguration { inherit pkgs; modules = [ ../home/dana.nix ]; };
  };
}`);
    expect(homes(parts.hosts?.parts?.outputs ?? [])).toEqual([
      ['legacyPackages.<system>.homeConfigurations.dana', 3, [['legacyPackages.<system>.homeConfigurations.dana', '../home/dana.nix', 3]]],
    ]);
  });

  it('reads perSystem legacyPackages.homeConfigurations of flake-parts, and a computed set, under <system>', async () => {
    const a = await analyzeNixSource(`{ inputs, ... }: {
  perSystem = { pkgs, ... }:
    let
      mkHome = name: inputs.home-manager.lib.homeManagerConfiguration { inherit pkgs; modules = [ ../home/\${name}.nix ]; };
    in {
      legacyPackages.homeConfigurations = {
        vagrant = mkHome "vagrant";
      } // builtins.listToAttrs [ ];
    };
}`);
    const outputs = a.hosts?.parts?.outputs ?? [];
    expect(homes(outputs)).toEqual([
      ['legacyPackages.<system>.homeConfigurations.vagrant', 7, [['legacyPackages.<system>.homeConfigurations.vagrant', '../home/vagrant.nix', 7]]],
      ['legacyPackages.<system>.homeConfigurations.<name>', 6, []],
    ]);
  });

  it('reads a file whose value is a configuration, for a flake that imports it; not a module that names the call', async () => {
    const file = await analyzeNixSource(`{ inputs, pkgs, ... }:
let
  extra = [ ./extra.nix ];
in
inputs.home-manager.lib.homeManagerConfiguration rec {
  inherit pkgs;
  extraSpecialArgs = { inherit inputs; };
  modules = [ ./home.nix ] ++ extra;
}`);
    expect(file.hosts?.home?.map((r) => [r.via, r.path, r.line])).toEqual([
      ['', './home.nix', 8],
      ['', './extra.nix', 8],
    ]);
    // A module whose text names the call is an attrset: not read as a configuration.
    const module = await analyzeNixSource(`{ inputs, ... }: { home.file.x.text = "homeManagerConfiguration"; imports = [ ./home.nix ]; }`);
    expect(module.hosts).toBeUndefined();
    const flake = (await analyzeNixSource(`{
  outputs = { nixpkgs, ... }@inputs: {
    homeConfigurations.alice = import ./home/alice { inherit inputs; pkgs = nixpkgs.legacyPackages.x86_64-linux; };
  };
}`)).flake!;
    expect(flake.outputs.map((o) => [o.attr, o.home_file, o.home_modules])).toEqual([['homeConfigurations.alice', './home/alice', undefined]]);
  });
});
