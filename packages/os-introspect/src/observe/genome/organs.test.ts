import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../../../../../tests/support/tmp.js';
import { observeGenome } from './index.js';

/** The genome of a tree as os-introspect reads it (no cache, parsed in this thread). */
async function genomeOf(tree: Record<string, string>) {
  const root = tempDir();
  writeTree(root, tree);
  const g = await observeGenome({ root, memoryDir: tempDir(), eval: false, cache: false, jobs: 'auto' });
  return g.state();
}

describe('organs of Home Manager modules and flake-parts modules', () => {
  it('gives a Home Manager organ for each module of home-manager.sharedModules, of a user module written as a function, and of import ./u.nix, also in a host module written inline', async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { nixpkgs, home-manager, ... }: {
    nixosConfigurations.desk = nixpkgs.lib.nixosSystem {
      modules = [
        ./modules/home.nix
        home-manager.nixosModules.home-manager
        { home-manager.sharedModules = [ ./hm/inline-shared.nix home-manager.flakeModules.x ]; }
      ];
    };
  };
}`,
      'modules/home.nix': `{ config, lib, inputs, ... }: {
  home-manager = {
    sharedModules = [
      ../hm/common.nix
      inputs.sops-nix.homeManagerModules.sops
      ({ ... }: { imports = [ ../hm/from-inline.nix ../hm/gone.nix ]; })
    ];
    users.alice = { pkgs, ... }: {
      imports = [ ../hm/alice.nix ];
      home.packages = [ pkgs.jq ];
    };
    users.bob = import ../hm/bob.nix;
  };
}`,
      'hm/inline-shared.nix': '{ }',
      'hm/common.nix': '{ }',
      'hm/from-inline.nix': '{ }',
      'hm/alice.nix': '{ }',
      'hm/bob.nix': '{ }',
    });
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.line, o.detected_by])).toEqual([
      ['home-manager-module', 'home-manager.sharedModules', 'hm/common.nix', null, 'home-manager.sharedModules at modules/home.nix:3'],
      ['home-manager-module', 'home-manager.sharedModules', 'hm/from-inline.nix', null, 'home-manager.sharedModules at modules/home.nix:3'],
      ['home-manager-module', 'home-manager.sharedModules', 'hm/inline-shared.nix', null, 'home-manager.sharedModules at flake.nix:7'],
      ['home-manager-module', 'home-manager.users.alice', 'hm/alice.nix', null, 'home-manager.users.alice at modules/home.nix:9'],
      ['home-manager-module', 'home-manager.users.bob', 'hm/bob.nix', null, 'home-manager.users.bob at modules/home.nix:12'],
    ]);
    // The user's module written as a function is read as the same module written as an attrset is.
    expect(s.modules.find((m) => m.path === 'modules/home.nix')?.config.map((c) => c.path)).toEqual([
      'home-manager.sharedModules',
      'home-manager.users.alice.imports',
      'home-manager.users.alice.home.packages',
      'home-manager.users.bob',
    ]);
  });

  it("hands over the imports of a user's module function that is a part of the user's mkMerge, as an attrset part's", async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }: {
    nixosConfigurations.desk = nixpkgs.lib.nixosSystem { modules = [ ./modules/home.nix ]; };
  };
}`,
      'modules/home.nix': `{ lib, ... }: {
  home-manager.users.alice = lib.mkMerge [
    ({ pkgs, ... }: { imports = [ ../hm/alice.nix ]; home.packages = [ pkgs.jq ]; })
    { imports = [ ../hm/alice-set.nix ]; }
  ];
}`,
      'hm/alice.nix': '{ imports = [ ./shell.nix ]; }',
      'hm/alice-set.nix': '{ }',
      'hm/shell.nix': '{ }',
    });
    expect(s.home_manager_modules.map((m) => [m.path, m.class, m.via])).toEqual([
      ['hm/alice-set.nix', 'home-manager', 'home-manager.users.alice at modules/home.nix:4'],
      ['hm/alice.nix', 'home-manager', 'home-manager.users.alice at modules/home.nix:3'],
      ['hm/shell.nix', 'home-manager', 'home-manager.users.alice at modules/home.nix:3'],
    ]);
    expect(s.import_graph).toEqual([{ from: 'hm/alice.nix', to: 'hm/shell.nix', line: 1 }]);
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.detected_by])).toEqual([
      ['home-manager-module', 'home-manager.users.alice', 'hm/alice-set.nix', 'home-manager.users.alice at modules/home.nix:4'],
      ['home-manager-module', 'home-manager.users.alice', 'hm/alice.nix', 'home-manager.users.alice at modules/home.nix:3'],
    ]);
    expect(s.modules.find((m) => m.path === 'modules/home.nix')?.config.map((c) => c.path)).toEqual([
      'home-manager.users.alice.imports',
      'home-manager.users.alice.home.packages',
      'home-manager.users.alice.imports',
    ]);
  });

  it("resolves a Home Manager module written through the flake's self against flake.nix's directory, also from a flake-parts module", async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } { imports = [ ./parts/hosts.nix ]; };
}`,
      'parts/hosts.nix': `{ self, inputs, ... }: {
  flake.nixosConfigurations.desk = inputs.nixpkgs.lib.nixosSystem {
    modules = [ { home-manager.users.alice = "\${self}/home/alice.nix"; home-manager.sharedModules = [ (self + "/home/shared.nix") ]; } ];
  };
  flake.homeConfigurations.bob = inputs.home-manager.lib.homeManagerConfiguration { modules = [ "\${self}/home/bob.nix" ]; };
}`,
      'home/alice.nix': '{ programs.git.enable = true; }',
      'home/shared.nix': '{ }',
      'home/bob.nix': '{ }',
    });
    expect(s.home_manager_modules.map((m) => [m.path, m.class, m.via])).toEqual([
      ['home/alice.nix', 'home-manager', 'home-manager.users.alice at parts/hosts.nix:3'],
      ['home/bob.nix', 'home-manager', 'homeConfigurations.bob at parts/hosts.nix:5'],
      ['home/shared.nix', 'home-manager', 'home-manager.sharedModules at parts/hosts.nix:3'],
    ]);
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.detected_by])).toEqual([
      ['home-manager-module', 'home-manager.sharedModules', 'home/shared.nix', 'home-manager.sharedModules at parts/hosts.nix:3'],
      ['home-manager-module', 'home-manager.users.alice', 'home/alice.nix', 'home-manager.users.alice at parts/hosts.nix:3'],
      ['home-manager-module', 'homeConfigurations.bob', 'home/bob.nix', 'homeConfigurations.bob at parts/hosts.nix:5'],
    ]);
  });

  it('gives a system unit and a user unit of one name two organs; NixOS and Home Manager user units of one name are one', async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }: {
    nixosConfigurations.desk = nixpkgs.lib.nixosSystem { modules = [ ./modules/sync.nix ]; };
  };
}`,
      'modules/sync.nix': `{
  systemd.services.sync.script = "sync";
  systemd.user.services.sync.script = "sync --user";
  home-manager.users.alice = ../hm/alice.nix;
}`,
      'hm/alice.nix': `{
  systemd.user.services.sync.Service.ExecStart = "sync --user";
  systemd.user.timers.sync.Timer.OnCalendar = "hourly";
}`,
    });
    expect(s.organs.filter((o) => o.type.startsWith('systemd-')).map((o) => [o.type, o.name, o.source, o.line])).toEqual([
      ['systemd-service', 'sync', 'modules/sync.nix', 2],
      ['systemd-service', 'user:sync', 'hm/alice.nix', 2],
      ['systemd-timer', 'user:sync.timer', 'hm/alice.nix', 3],
    ]);
  });

  it("gives the user units of the modules of sharedModules written in place, as those of a user's module written in place", async () => {
    const s = await genomeOf({
      'modules/home.nix': `{ lib, ... }: {
  home-manager.users.alice.systemd.user.services.mine.Service.ExecStart = "mine";
  home-manager.sharedModules = [
    { systemd.user.services.foo.Service.ExecStart = "foo"; }
    ({ pkgs, ... }: { systemd.user.timers.foo.Timer.OnCalendar = "daily"; })
    (lib.mkIf true { systemd.user.services.mine.Service.Nice = 5; })
    { systemd.user.services.off.enable = false; systemd.services.not-user.script = "x"; }
  ];
}`,
    });
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.line, o.detected_by])).toEqual([
      ['systemd-service', 'user:foo', 'modules/home.nix', 4, 'systemd.user.services.foo set in home-manager.sharedModules in modules/home.nix'],
      ['systemd-service', 'user:mine', 'modules/home.nix', 2, 'home-manager.users.alice.systemd.user.services.mine set in modules/home.nix'],
      ['systemd-timer', 'user:foo.timer', 'modules/home.nix', 5, 'systemd.user.timers.foo set in home-manager.sharedModules in modules/home.nix'],
    ]);
  });

  it("gives the units set in the modules written inline in a host's module list, as a module file gives its own, in the file that lists them", async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }@inputs: {
    nixosConfigurations.x = nixpkgs.lib.nixosSystem {
      modules = [
        ./hosts/x
        { systemd.services.foo.script = "foo"; }
        ({ pkgs, ... }: {
          systemd.services.bar = { script = "bar"; };
          systemd.timers.bar.timerConfig.OnCalendar = "daily";
          systemd.services.NetworkManager-wait-online.enable = false;
        })
        {
          home-manager.users.alice.systemd.user.services.mail.Service.ExecStart = "mail";
          home-manager.sharedModules = [ { systemd.user.timers.sync.Timer.OnCalendar = "hourly"; systemd.services.no-unit.script = "x"; } ];
        }
      ];
    };
    nixosConfigurations.y = import ./hosts/y.nix { inherit inputs; };
  };
}`,
      'hosts/x/default.nix': '{ systemd.services.file-unit.script = "f"; systemd.services.foo.serviceConfig.Nice = 5; }',
      'hosts/y.nix': `{ inputs }:
inputs.nixpkgs.lib.nixosSystem {
  modules = [ { systemd.services.why.script = "y"; } ];
}`,
    });
    // foo is set in hosts/x/default.nix too: one unit, whose organ is the module file's.
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.line, o.detected_by])).toEqual([
      ['systemd-service', 'bar', 'flake.nix', 8, 'systemd.services.bar set in nixosConfigurations.x in flake.nix'],
      ['systemd-service', 'file-unit', 'hosts/x/default.nix', 1, 'systemd.services.file-unit set in hosts/x/default.nix'],
      ['systemd-service', 'foo', 'hosts/x/default.nix', 1, 'systemd.services.foo set in hosts/x/default.nix'],
      ['systemd-service', 'user:mail', 'flake.nix', 13, 'home-manager.users.alice.systemd.user.services.mail set in nixosConfigurations.x in flake.nix'],
      ['systemd-service', 'why', 'hosts/y.nix', 3, 'systemd.services.why set in nixosConfigurations.y in hosts/y.nix'],
      ['systemd-timer', 'bar.timer', 'flake.nix', 9, 'systemd.timers.bar set in nixosConfigurations.x in flake.nix'],
      ['systemd-timer', 'user:sync.timer', 'flake.nix', 14, 'systemd.user.timers.sync set in home-manager.sharedModules in nixosConfigurations.x in flake.nix'],
    ]);
  });

  it("gives the user units set in the modules written inline in a standalone Home Manager configuration's modules, also one built in another file", async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { home-manager, ... }: {
    homeConfigurations.alice = home-manager.lib.homeManagerConfiguration {
      modules = [
        ./home/alice.nix
        { systemd.user.services.sync.Service.ExecStart = "sync"; systemd.services.no-unit.script = "x"; }
        ({ pkgs, ... }: { systemd.user.timers.sync.Timer.OnCalendar = "hourly"; systemd.user.services.off.enable = false; })
      ];
    };
    homeConfigurations.bob = import ./home/bob { inherit home-manager; };
  };
}`,
      'home/alice.nix': '{ programs.git.enable = true; }',
      'home/bob/default.nix': `{ home-manager }:
home-manager.lib.homeManagerConfiguration {
  modules = [ { systemd.user.services.mail.Service.ExecStart = "mail"; } ];
}`,
    });
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.line, o.detected_by])).toEqual([
      ['home-manager-module', 'homeConfigurations.alice', 'home/alice.nix', null, 'homeConfigurations.alice at flake.nix:3'],
      ['systemd-service', 'user:mail', 'home/bob/default.nix', 3, 'systemd.user.services.mail set in homeConfigurations.bob in home/bob/default.nix'],
      ['systemd-service', 'user:sync', 'flake.nix', 6, 'systemd.user.services.sync set in homeConfigurations.alice in flake.nix'],
      ['systemd-timer', 'user:sync.timer', 'flake.nix', 7, 'systemd.user.timers.sync set in homeConfigurations.alice in flake.nix'],
    ]);
  });

  it('gives the units set in a module output written in place, in the file it is written in (user units only for a Home Manager module)', async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }: {
    nixosModules.greeter = { lib, config, ... }: {
      options.services.greeter.enable = lib.mkEnableOption "the greeter";
      config = lib.mkIf config.services.greeter.enable {
        systemd.services.greeter.script = "echo hi";
        systemd.timers.greeter.timerConfig.OnCalendar = "daily";
        systemd.services.NetworkManager-wait-online.enable = false;
      };
    };
    homeModules.mail = { systemd.user.services.mail.Service.ExecStart = "mail"; systemd.services.no-unit.script = "x"; };
    nixosModules.files = ./modules/files.nix;
  };
}`,
      'modules/files.nix': '{ systemd.services.files.script = "true"; }',
    });
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.line, o.detected_by])).toEqual([
      ['home-manager-module', 'mail', 'flake.nix', 11, 'flake output homeModules.mail'],
      ['nixos-module', 'files', 'modules/files.nix', null, 'flake output nixosModules.files at flake.nix:12'],
      ['nixos-module', 'greeter', 'flake.nix', 3, 'flake output nixosModules.greeter'],
      ['systemd-service', 'files', 'modules/files.nix', 1, 'systemd.services.files set in modules/files.nix'],
      ['systemd-service', 'greeter', 'flake.nix', 6, 'systemd.services.greeter set in nixosModules.greeter in flake.nix'],
      ['systemd-service', 'user:mail', 'flake.nix', 11, 'systemd.user.services.mail set in homeModules.mail in flake.nix'],
      ['systemd-timer', 'greeter.timer', 'flake.nix', 7, 'systemd.timers.greeter set in nixosModules.greeter in flake.nix'],
    ]);
  });

  it('names a system unit whose own name starts with user: or system: with system: in front, apart from the user units', async () => {
    const s = await genomeOf({
      'modules/units.nix': `{
  systemd.services."user:sync".script = "a";
  systemd.timers."User:sync".timerConfig.OnCalendar = "hourly";
  systemd.services."system:user:sync".script = "b";
  systemd.services."systemd-sync".script = "c";
  systemd.user.services.sync.script = "d";
  systemd.user.timers.sync.timerConfig.OnCalendar = "daily";
  systemd.user.services."user:sync".script = "e";
}`,
    });
    expect(s.organs.filter((o) => o.type.startsWith('systemd-')).map((o) => [o.type, o.name, o.line])).toEqual([
      ['systemd-service', 'system:system:user:sync', 4],
      ['systemd-service', 'system:user:sync', 2],
      ['systemd-service', 'systemd-sync', 5],
      ['systemd-service', 'user:sync', 6],
      ['systemd-service', 'user:user:sync', 8],
      ['systemd-timer', 'system:User:sync.timer', 3],
      ['systemd-timer', 'user:sync.timer', 7],
    ]);
  });

  it('names a service whose own name ends in a unit type suffix with .service after it, apart from the timer of that name', async () => {
    const s = await genomeOf({
      'modules/units.nix': `{
  systemd.services."x.timer".script = "a";
  systemd.timers.x.timerConfig.OnCalendar = "daily";
  systemd.timers."x.timer".timerConfig.OnCalendar = "hourly";
  systemd.services."y.Socket".script = "b";
  systemd.services."z.service".script = "c";
  systemd.services.z.script = "d";
  systemd.user.services."w.timer".script = "e";
  systemd.user.timers.w.timerConfig.OnCalendar = "daily";
}`,
    });
    expect(s.organs.filter((o) => o.type.startsWith('systemd-')).map((o) => [o.type, o.name, o.line])).toEqual([
      ['systemd-service', 'user:w.timer.service', 8],
      ['systemd-service', 'x.timer.service', 2],
      ['systemd-service', 'y.Socket.service', 5],
      ['systemd-service', 'z', 7],
      ['systemd-service', 'z.service.service', 6],
      ['systemd-timer', 'user:w.timer', 9],
      ['systemd-timer', 'x.timer', 3],
      ['systemd-timer', 'x.timer.timer', 4],
    ]);
  });

  it('keeps units whose names differ only in case apart: systemd unit names are case-sensitive', async () => {
    const s = await genomeOf({
      'modules/a.nix': `{
  systemd.services.Backup.script = "a";
  systemd.timers.Backup.timerConfig.OnCalendar = "daily";
}`,
      'modules/b.nix': `{
  systemd.services.backup.script = "b";
  systemd.timers.backup.timerConfig.OnCalendar = "hourly";
  systemd.services.Backup.serviceConfig.Nice = 5;
}`,
    });
    // Backup is set in both files: one unit, one organ (the first file read, a.nix).
    expect(s.organs.filter((o) => o.type.startsWith('systemd-')).map((o) => [o.type, o.name, o.source, o.line])).toEqual([
      ['systemd-service', 'Backup', 'modules/a.nix', 2],
      ['systemd-service', 'backup', 'modules/b.nix', 2],
      ['systemd-timer', 'Backup.timer', 'modules/a.nix', 3],
      ['systemd-timer', 'backup.timer', 'modules/b.nix', 3],
    ]);
  });

  it('lists the outputs of flake-parts modules as outputs and organs: overlays, perSystem shells and packages; paths through self are paths of the flake', async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      imports = [ ./parts/outputs.nix ];
      perSystem = { self', ... }: { packages.default = self'.packages.tool; };
    };
}`,
      'parts/outputs.nix': `{ self, inputs, ... }: {
  flake.overlays.default = import ../overlays/default.nix;
  flake.overlays.nur = inputs.nur.overlays.default;
  flake.nixosConfigurations.desk = inputs.nixpkgs.lib.nixosSystem { modules = [ "\${self}/hosts/desk.nix" ]; };
  perSystem = { self', pkgs, ... }: {
    devShells.default = pkgs.mkShell { inputsFrom = [ self'.packages.tool ]; };
    packages.tool = pkgs.callPackage ../tools/tool.nix { };
  };
}`,
      'overlays/default.nix': 'final: prev: { }',
      'hosts/desk.nix': '{ networking.hostName = "desk"; }',
      'tools/tool.nix': '{ stdenv }: stdenv.mkDerivation { name = "tool"; }',
    });
    expect(s.outputs.map((o) => `${o.attr} ${o.file}:${o.line}`)).toEqual([
      'packages.<system>.default flake.nix:5',
      'overlays.default parts/outputs.nix:2',
      'overlays.nur parts/outputs.nix:3',
      'nixosConfigurations.desk parts/outputs.nix:4',
      'devShells.<system>.default parts/outputs.nix:6',
      'packages.<system>.tool parts/outputs.nix:7',
    ]);
    expect(s.hosts.map((h) => [h.name, h.file, h.modules, h.external_modules])).toEqual([['desk', 'parts/outputs.nix', ['hosts/desk.nix'], []]]);
    // overlays.nur re-exports an input's overlay: no organ of this genome.
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.line, o.detected_by])).toEqual([
      ['dev-shell', 'devShells.default', 'parts/outputs.nix', 6, 'flake output devShells.<system>.default'],
      ['overlay', 'overlays.default', 'overlays/default.nix', null, 'flake output overlays.default at parts/outputs.nix:2'],
      ['package', 'tool', 'tools/tool.nix', null, 'flake output packages.<system>.tool at parts/outputs.nix:7'],
    ]);
  });
});
