import { describe, expect, it } from 'vitest';
import { analyzeNixSource } from './analyze.js';
import type { NixHomeModuleRef } from './home-modules.js';

/** [via, path, line] of each Home Manager module a file hands over, and its settings' paths. */
async function read(src: string): Promise<{ home: unknown[]; config: string[] }> {
  const m = (await analyzeNixSource(src)).module!;
  return { home: (m.home_modules ?? []).map((r) => [r.via, r.path, r.line]), config: m.config.map((s) => s.path) };
}

describe('Home Manager modules a NixOS module hands over', () => {
  it('reads home-manager.sharedModules: paths, (import <path>), and the imports of modules written in place; no input or call', async () => {
    const r = await read(`{ inputs, lib, ... }: {
  home-manager.sharedModules = [
    ./home/common.nix
    (import ./home/shell)
    inputs.sops-nix.homeManagerModules.sops
    { manual.manpages.enable = false; }
    ({ config, ... }: { imports = [ ./home/from-fn.nix ]; })
    (args: import ./home/from-call.nix args)
    { imports = [ ./home/from-set.nix (lib.mkIf true ./home/computed.nix) ]; }
  ] ++ [ ./home/joined.nix ];
  home-manager = {
    sharedModules = lib.mkIf true [ ./home/nested.nix ];
  };
}`);
    expect(r.home).toEqual([
      ['home-manager.sharedModules', './home/common.nix', 2],
      ['home-manager.sharedModules', './home/shell', 2],
      ['home-manager.sharedModules', './home/from-fn.nix', 2],
      ['home-manager.sharedModules', './home/from-call.nix', 2],
      ['home-manager.sharedModules', './home/from-set.nix', 2],
      ['home-manager.sharedModules', './home/joined.nix', 2],
      ['home-manager.sharedModules', './home/nested.nix', 12],
    ]);
    expect(r.config).toEqual(['home-manager.sharedModules', 'home-manager.sharedModules']);
  });

  it("reads a user's module written as a function as its body, and `import <path>` as that file", async () => {
    const r = await read(`{ config, pkgs, ... }: {
  config = {
    home-manager.users.alice = { pkgs, ... }: {
      imports = [ ./home/alice.nix ];
      home.packages = [ pkgs.jq ];
    };
    home-manager.users.bob = import ./home/bob.nix;
    home-manager.users.carol = import ./home/carol.nix { inherit pkgs; };
    home-manager.users.fay = { pkgs, ... }: import ./home/fay.nix { inherit pkgs; };
    home-manager.users.dave = args: let extra = [ ./home/dave-extra.nix ]; in lib.mkMerge [ { imports = extra; } { home.stateVersion = "24.05"; } ];
  };
  config.home-manager.users.eve = { ... }: { imports = [ ./home/eve.nix ]; };
}`);
    expect(r.home).toEqual([
      ['home-manager.users.alice', './home/alice.nix', 4],
      ['home-manager.users.bob', './home/bob.nix', 7],
      ['home-manager.users.carol', './home/carol.nix', 8],
      ['home-manager.users.fay', './home/fay.nix', 9],
      ['home-manager.users.dave', './home/dave-extra.nix', 10],
      ['home-manager.users.eve', './home/eve.nix', 12],
    ]);
    expect(r.config).toEqual([
      'home-manager.users.alice.imports',
      'home-manager.users.alice.home.packages',
      'home-manager.users.bob',
      'home-manager.users.carol',
      'home-manager.users.fay',
      'home-manager.users.dave.imports',
      'home-manager.users.dave.home.stateVersion',
      'home-manager.users.eve.imports',
    ]);
  });

  it("reads a user's module function as a part of the user's mkMerge, or with a body that is an update, as the same module written as an attrset", async () => {
    const fn = await read(`{ lib, ... }: {
  home-manager.users.alice = lib.mkMerge [
    ({ pkgs, ... }: { imports = [ ./home/alice.nix ]; home.packages = [ pkgs.git ]; })
    (lib.mkIf true ({ ... }: { imports = [ ./home/alice-extra.nix ]; }))
    { home.stateVersion = "24.05"; }
  ];
  home-manager.users.bob = { pkgs, ... }: { imports = [ ./home/bob.nix ]; } // { home.stateVersion = "24.05"; };
}`);
    const set = await read(`{ lib, ... }: {
  home-manager.users.alice = lib.mkMerge [
    ({ imports = [ ./home/alice.nix ]; home.packages = [ pkgs.git ]; })
    (lib.mkIf true ({ imports = [ ./home/alice-extra.nix ]; }))
    { home.stateVersion = "24.05"; }
  ];
  home-manager.users.bob = { imports = [ ./home/bob.nix ]; } // { home.stateVersion = "24.05"; };
}`);
    expect(fn.home).toEqual([
      ['home-manager.users.alice', './home/alice.nix', 3],
      ['home-manager.users.alice', './home/alice-extra.nix', 4],
      ['home-manager.users.bob', './home/bob.nix', 7],
    ]);
    expect(fn.config).toEqual([
      'home-manager.users.alice.imports',
      'home-manager.users.alice.home.packages',
      'home-manager.users.alice.imports',
      'home-manager.users.alice.home.stateVersion',
      'home-manager.users.bob.imports',
      'home-manager.users.bob.home.stateVersion',
    ]);
    expect(fn).toEqual(set);
  });

  it("reads a part of a user's mkMerge that is a module file, and `(import <path>)` in a user's imports, as that file", async () => {
    const r = await read(`{ lib, ... }: {
  home-manager.users.alice = lib.mkMerge [
    (import ./home/alice.nix)
    ./home/alice-path.nix
    (lib.mkIf true (import ./home/alice-cond.nix))
    { home.stateVersion = "24.05"; }
  ];
  home-manager.users.bob = args: lib.mkMerge [ (import ./home/bob.nix args) ];
  home-manager.users.carol = { imports = [ (import ./home/carol.nix) ]; };
  services.x.settings = lib.mkMerge [ (import ./home/not-home.nix) ];
}`);
    expect(r.home).toEqual([
      ['home-manager.users.alice', './home/alice.nix', 3],
      ['home-manager.users.alice', './home/alice-path.nix', 4],
      ['home-manager.users.alice', './home/alice-cond.nix', 5],
      ['home-manager.users.bob', './home/bob.nix', 8],
      ['home-manager.users.carol', './home/carol.nix', 9],
    ]);
    expect(r.config).toEqual(['home-manager.users.alice.home.stateVersion', 'home-manager.users.carol.imports']);
  });

  it("reads a path through the flake's self as a path of the flake, in a host's inline module and a standalone configuration in flake.nix", async () => {
    const f = (await analyzeNixSource(`{
  outputs = { self, nixpkgs, home-manager, ... }@inputs: {
    nixosConfigurations.desk = nixpkgs.lib.nixosSystem {
      modules = [
        {
          home-manager.users.alice = "\${self}/home/alice.nix";
          home-manager.users.bob = import "\${self}/home/bob.nix";
          home-manager.users.carol = self + "/home/carol.nix";
          home-manager.users.dave = { imports = [ "\${inputs.self}/home/dave.nix" (import (self + "/home/dave-extra.nix")) ]; };
          home-manager.sharedModules = [ "\${self}/home/shared.nix" ];
          home-manager.users.erin = let self = ./elsewhere; in "\${self}/home/erin.nix";
        }
      ];
    };
    homeConfigurations.fay = home-manager.lib.homeManagerConfiguration { modules = [ "\${self}/home/fay.nix" ]; };
  };
}`)).flake!;
    const refs = (rs: readonly NixHomeModuleRef[] | undefined) => (rs ?? []).map((r) => [r.via, r.path, r.line, r.from_self ?? false]);
    expect(refs(f.hosts[0]!.modules[0]!.home_modules)).toEqual([
      ['home-manager.users.alice', './home/alice.nix', 6, true],
      ['home-manager.users.bob', './home/bob.nix', 7, true],
      ['home-manager.users.carol', './home/carol.nix', 8, true],
      ['home-manager.users.dave', './home/dave.nix', 9, true],
      ['home-manager.users.dave', './home/dave-extra.nix', 9, true],
      ['home-manager.sharedModules', './home/shared.nix', 10, true],
    ]);
    expect(refs(f.outputs.find((o) => o.attr === 'homeConfigurations.fay')?.home_modules)).toEqual([['homeConfigurations.fay', './home/fay.nix', 15, true]]);
    // In a module file, `self` is whatever a caller passes (specialArgs): nothing is read through it.
    const m = await read(`{ self, ... }: { home-manager.users.alice = "\${self}/home/alice.nix"; home-manager.sharedModules = [ (self + "/home/x.nix") ]; }`);
    expect(m.home).toEqual([]);
  });

  it("reads the settings of the modules written in place in sharedModules as those modules' own, apart from config", async () => {
    const m = (await analyzeNixSource(`{ lib, ... }: {
  home-manager.sharedModules = [
    ./home/common.nix
    { systemd.user.services.foo.Service.ExecStart = "foo"; imports = [ ./home/x.nix ]; }
    ({ pkgs, ... }: { systemd.user.timers.foo.Timer.OnCalendar = "daily"; })
    (lib.mkIf true { systemd.user.services.cond.Install.WantedBy = [ "default.target" ]; })
    { config.home.stateVersion = "24.05"; }
  ];
}`)).module!;
    expect(m.shared_config?.map((c) => [c.path, c.binding.line, c.conditional, c.literal])).toEqual([
      ['systemd.user.services.foo.Service.ExecStart', 4, false, 'foo'],
      ['systemd.user.timers.foo.Timer.OnCalendar', 5, false, 'daily'],
      ['systemd.user.services.cond.Install.WantedBy', 6, true, ['default.target']],
      ['home.stateVersion', 7, false, '24.05'],
    ]);
    expect(m.config.map((c) => c.path)).toEqual(['home-manager.sharedModules']);
    expect(m.home_modules?.map((r) => r.path)).toEqual(['./home/common.nix', './home/x.nix']);
    // A module with no such list has none.
    expect((await analyzeNixSource('{ home-manager.sharedModules = [ ./home/common.nix ]; }')).module!.shared_config).toBeUndefined();
  });

  it('reads a name bound to a path as that path, and a path whose `${…}` are names bound to strings', async () => {
    const r = await read(`{ lib, ... }:
let
  alice = ./home/alice.nix;
  shared = [ common ];
  common = ./home/common.nix;
  dyn = ./home/\${lib.x}.nix;
  user = "bob";
in {
  home-manager.users.alice = alice;
  home-manager.sharedModules = shared ++ [ dyn ];
  home-manager.users.\${user} = import ./home/\${user};
}`);
    expect(r.home).toEqual([
      ['home-manager.users.alice', './home/alice.nix', 9],
      ['home-manager.sharedModules', './home/common.nix', 10],
      ['home-manager.users.${user}', './home/bob', 11],
    ]);
  });

  it('hands over nothing through other options, or a function anywhere but a user', async () => {
    const r = await read(`{ lib, ... }: {
  home-manager.extraSpecialArgs = { a = ./home/not-a-module.nix; };
  home-manager.users.alice.home.file.x.source = ./home/dotfile.nix;
  home-manager.users.alice.imports = [ (f ./home/argument.nix) "\${./home/interpolated.nix}" ];
  services.x.settings = { pkgs, ... }: { imports = [ ./home/not-home.nix ]; };
  home-manager.users = lib.genAttrs [ "a" ] (n: ./home/generated.nix);
}`);
    expect(r.home).toEqual([]);
    expect(r.config).toEqual(['home-manager.extraSpecialArgs.a', 'home-manager.users.alice.home.file.x.source', 'home-manager.users.alice.imports', 'services.x.settings', 'home-manager.users']);
  });
});
