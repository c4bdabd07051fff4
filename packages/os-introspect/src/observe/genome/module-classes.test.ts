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

const option = (name: string) => `{ lib, ... }: { options.my.${name}.enable = lib.mkEnableOption "${name}"; }`;

describe('Home Manager modules through the import graph', () => {
  it('types the organs of files imported only from Home Manager modules as Home Manager organs, and says so of files imported from both', async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { nixpkgs, home-manager, ... }: {
    nixosConfigurations.desk = nixpkgs.lib.nixosSystem {
      modules = [
        ./hosts/desk.nix
        home-manager.nixosModules.home-manager
        { home-manager.users.bob = ./hm/bob.nix; }
      ];
    };
    homeModules.editor = ./hm/editor.nix;
  };
}`,
      'hosts/desk.nix': `{
  imports = [ ../modules/shared.nix ../home/system.nix ];
  home-manager.users.alice = import ../hm/alice.nix;
  home-manager.sharedModules = [ ../hm/common.nix ];
}`,
      'hm/alice.nix': '{ imports = [ ./git.nix ../modules/shared.nix ]; }',
      'hm/git.nix': `{ lib, ... }: {
  imports = [ ./git-extra.nix ];
  options.my.git.enable = lib.mkEnableOption "git";
  config.systemd.user.services.git-sync.Service.ExecStart = "git-sync";
}`,
      'hm/git-extra.nix': option('gitExtra'),
      'hm/bob.nix': '{ imports = [ ./bob-shell.nix ]; }',
      'hm/bob-shell.nix': option('bobShell'),
      'hm/common.nix': '{ }',
      'hm/editor.nix': '{ imports = [ ./editor-keys.nix ]; }',
      'hm/editor-keys.nix': option('editorKeys'),
      // Imported by the host and by alice's module: both.
      'modules/shared.nix': option('shared'),
      // Under home/, but a NixOS module: the host imports it.
      'home/system.nix': option('system'),
      // Under home/ and imported by nothing: a Home Manager module, as before.
      'home/orphan.nix': '{ lib, ... }: { imports = [ ./orphan-part.nix ]; options.my.orphan.enable = lib.mkEnableOption "orphan"; }',
      'home/orphan-part.nix': option('orphanPart'),
      // Imported by nothing, elsewhere: a NixOS module.
      'modules/loose.nix': option('loose'),
    });
    expect(s.import_graph).toEqual([
      { from: 'hm/alice.nix', to: 'hm/git.nix', line: 1 },
      { from: 'hm/alice.nix', to: 'modules/shared.nix', line: 1 },
      { from: 'hm/bob.nix', to: 'hm/bob-shell.nix', line: 1 },
      { from: 'hm/editor.nix', to: 'hm/editor-keys.nix', line: 1 },
      { from: 'hm/git.nix', to: 'hm/git-extra.nix', line: 2 },
      { from: 'home/orphan.nix', to: 'home/orphan-part.nix', line: 1 },
      { from: 'hosts/desk.nix', to: 'modules/shared.nix', line: 2 },
      { from: 'hosts/desk.nix', to: 'home/system.nix', line: 2 },
    ]);
    expect(s.home_manager_modules.map((m) => [m.path, m.class, m.via])).toEqual([
      ['hm/alice.nix', 'home-manager', 'home-manager.users.alice at hosts/desk.nix:3'],
      ['hm/bob-shell.nix', 'home-manager', 'home-manager.users.bob at flake.nix:7'],
      ['hm/bob.nix', 'home-manager', 'home-manager.users.bob at flake.nix:7'],
      ['hm/common.nix', 'home-manager', 'home-manager.sharedModules at hosts/desk.nix:4'],
      ['hm/editor-keys.nix', 'home-manager', 'flake output homeModules.editor at flake.nix:10'],
      ['hm/editor.nix', 'home-manager', 'flake output homeModules.editor at flake.nix:10'],
      ['hm/git-extra.nix', 'home-manager', 'home-manager.users.alice at hosts/desk.nix:3'],
      ['hm/git.nix', 'home-manager', 'home-manager.users.alice at hosts/desk.nix:3'],
      ['home/orphan-part.nix', 'home-manager', 'not imported, under home/'],
      ['home/orphan.nix', 'home-manager', 'not imported, under home/'],
      ['modules/shared.nix', 'both', 'home-manager.users.alice at hosts/desk.nix:3'],
    ]);
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.detected_by])).toEqual([
      ['home-manager-module', 'editor', 'hm/editor.nix', 'flake output homeModules.editor at flake.nix:10'],
      ['home-manager-module', 'home-manager.sharedModules', 'hm/common.nix', 'home-manager.sharedModules at hosts/desk.nix:4'],
      ['home-manager-module', 'home-manager.users.alice', 'hm/alice.nix', 'home-manager.users.alice at hosts/desk.nix:3'],
      ['home-manager-module', 'home-manager.users.bob', 'hm/bob.nix', 'home-manager.users.bob at flake.nix:7'],
      ['home-manager-module', 'my.bobShell', 'hm/bob-shell.nix', 'options declared in hm/bob-shell.nix'],
      ['home-manager-module', 'my.editorKeys', 'hm/editor-keys.nix', 'options declared in hm/editor-keys.nix'],
      ['home-manager-module', 'my.git', 'hm/git.nix', 'options declared in hm/git.nix'],
      ['home-manager-module', 'my.gitExtra', 'hm/git-extra.nix', 'options declared in hm/git-extra.nix'],
      ['home-manager-module', 'my.orphan', 'home/orphan.nix', 'options declared in home/orphan.nix'],
      ['home-manager-module', 'my.orphanPart', 'home/orphan-part.nix', 'options declared in home/orphan-part.nix'],
      ['nixos-module', 'my.loose', 'modules/loose.nix', 'options declared in modules/loose.nix'],
      ['nixos-module', 'my.shared', 'modules/shared.nix', 'options declared in modules/shared.nix; imported by NixOS and Home Manager modules'],
      ['nixos-module', 'my.system', 'home/system.nix', 'options declared in home/system.nix'],
      ['systemd-service', 'user:git-sync', 'hm/git.nix', 'systemd.user.services.git-sync set in hm/git.nix'],
    ]);
  });

  it('follows imports in a cycle once, leaves a file no walk reaches typed as before, and lists no file of a nested flake', async () => {
    const s = await genomeOf({
      'hosts/a/configuration.nix': '{ home-manager.users.a = ../../hm/a.nix; }',
      'hm/a.nix': '{ imports = [ ./b.nix ]; }',
      'hm/b.nix': `{ lib, ... }: { imports = [ ./a.nix ]; options.my.b.enable = lib.mkEnableOption "b"; }`,
      // Each imports the other, and nothing else imports either: no walk starts there.
      'lib/x.nix': `{ lib, ... }: { imports = [ ./y.nix ]; options.my.x.enable = lib.mkEnableOption "x"; }`,
      'lib/y.nix': '{ imports = [ ./x.nix ]; }',
      // Another genome's files (a nested flake): neither listed nor organs here.
      'examples/flake.nix': '{ outputs = _: { }; }',
      'examples/home/z.nix': '{ imports = [ ../../hm/b.nix ]; }',
    });
    expect(s.home_manager_modules.map((m) => [m.path, m.class, m.via])).toEqual([
      ['hm/a.nix', 'home-manager', 'home-manager.users.a at hosts/a/configuration.nix:1'],
      ['hm/b.nix', 'home-manager', 'home-manager.users.a at hosts/a/configuration.nix:1'],
    ]);
    expect(s.organs.map((o) => [o.type, o.name, o.source])).toEqual([
      ['home-manager-module', 'home-manager.users.a', 'hm/a.nix'],
      ['home-manager-module', 'my.b', 'hm/b.nix'],
      ['nixos-module', 'my.x', 'lib/x.nix'],
    ]);
  });

  it("starts a Home Manager walk at a standalone configuration's modules, and keeps the output listed", async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { nixpkgs, home-manager, ... }@inputs:
    let
      pkgs = nixpkgs.legacyPackages.x86_64-linux;
      mkHome = module: home-manager.lib.homeManagerConfiguration { inherit pkgs; modules = [ module ]; };
    in {
      homeConfigurations.alice = home-manager.lib.homeManagerConfiguration {
        inherit pkgs;
        extraSpecialArgs = { inherit inputs; };
        modules = [ ./users/alice.nix { imports = [ ./users/shell.nix ]; } inputs.sops-nix.homeManagerModules.sops ];
      };
      homeConfigurations."bob@desk" = mkHome ./users/bob.nix;
    };
}`,
      // Not under home/, so only the walk from the configurations makes these Home Manager modules.
      'users/alice.nix': '{ imports = [ ./git.nix ]; }',
      'users/git.nix': option('git'),
      'users/shell.nix': '{ programs.bash.enable = true; }',
      'users/bob.nix': '{ home.stateVersion = "24.05"; }',
    });
    expect(s.outputs.map((o) => [o.attr, o.file, o.line])).toEqual([
      ['homeConfigurations.alice', 'flake.nix', 7],
      ['homeConfigurations.bob@desk', 'flake.nix', 12],
    ]);
    expect(s.home_manager_modules.map((m) => [m.path, m.class, m.via])).toEqual([
      ['users/alice.nix', 'home-manager', 'homeConfigurations.alice at flake.nix:7'],
      ['users/bob.nix', 'home-manager', 'homeConfigurations.bob@desk at flake.nix:12'],
      ['users/git.nix', 'home-manager', 'homeConfigurations.alice at flake.nix:7'],
      ['users/shell.nix', 'home-manager', 'homeConfigurations.alice at flake.nix:7'],
    ]);
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.detected_by])).toEqual([
      ['home-manager-module', 'homeConfigurations.alice', 'users/alice.nix', 'homeConfigurations.alice at flake.nix:7'],
      ['home-manager-module', 'homeConfigurations.alice', 'users/shell.nix', 'homeConfigurations.alice at flake.nix:7'],
      ['home-manager-module', 'homeConfigurations.bob@desk', 'users/bob.nix', 'homeConfigurations.bob@desk at flake.nix:12'],
      ['home-manager-module', 'my.git', 'users/git.nix', 'options declared in users/git.nix'],
    ]);
  });

  it('starts a Home Manager walk at the configurations under legacyPackages.<system>.homeConfigurations', async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { nixpkgs, home-manager, ... }: {
    legacyPackages.x86_64-linux.homeConfigurations.carol = home-manager.lib.homeManagerConfiguration {
      pkgs = nixpkgs.legacyPackages.x86_64-linux;
      modules = [ ./users/carol.nix ];
    };
  };
}`,
      'users/carol.nix': '{ imports = [ ./git.nix ]; }',
      'users/git.nix': option('git'),
    });
    expect(s.outputs.map((o) => [o.category, o.system, o.name, o.attr, o.file, o.line])).toEqual([
      ['homeConfigurations', 'x86_64-linux', 'carol', 'legacyPackages.x86_64-linux.homeConfigurations.carol', 'flake.nix', 3],
    ]);
    const via = 'legacyPackages.x86_64-linux.homeConfigurations.carol at flake.nix:3';
    expect(s.home_manager_modules.map((m) => [m.path, m.class, m.via])).toEqual([
      ['users/carol.nix', 'home-manager', via],
      ['users/git.nix', 'home-manager', via],
    ]);
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.detected_by])).toEqual([
      ['home-manager-module', 'legacyPackages.x86_64-linux.homeConfigurations.carol', 'users/carol.nix', via],
      ['home-manager-module', 'my.git', 'users/git.nix', 'options declared in users/git.nix'],
    ]);
  });

  it("reads a flake-parts module's flake.homeConfigurations, its paths written in that module", async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } { imports = [ ./parts/home.nix ]; };
}`,
      'parts/home.nix': `{ inputs, withSystem, ... }: {
  flake.homeConfigurations.carol = withSystem "x86_64-linux" ({ pkgs, ... }:
    inputs.home-manager.lib.homeManagerConfiguration { inherit pkgs; modules = [ ../users/carol.nix ]; });
}`,
      'users/carol.nix': '{ imports = [ ./carol-git.nix ]; }',
      'users/carol-git.nix': option('carolGit'),
    });
    expect(s.outputs.map((o) => [o.attr, o.file, o.line])).toEqual([['homeConfigurations.carol', 'parts/home.nix', 2]]);
    expect(s.home_manager_modules.map((m) => [m.path, m.class, m.via])).toEqual([
      ['users/carol-git.nix', 'home-manager', 'homeConfigurations.carol at parts/home.nix:2'],
      ['users/carol.nix', 'home-manager', 'homeConfigurations.carol at parts/home.nix:2'],
    ]);
    expect(s.organs.map((o) => [o.type, o.name, o.source])).toEqual([
      ['home-manager-module', 'homeConfigurations.carol', 'users/carol.nix'],
      ['home-manager-module', 'my.carolGit', 'users/carol-git.nix'],
    ]);
  });

  it('reads a configuration built in another file, its paths written there', async () => {
    const s = await genomeOf({
      'flake.nix': `{
  outputs = { nixpkgs, ... }@inputs: {
    homeConfigurations = {
      "dana@desk" = import ./cfg/dana.nix { inherit inputs; pkgs = nixpkgs.legacyPackages.x86_64-linux; };
      "dana@laptop" = import ./cfg/dana.nix { inherit inputs; pkgs = nixpkgs.legacyPackages.aarch64-linux; };
      missing = import ./cfg/missing.nix { };
    };
  };
}`,
      'cfg/dana.nix': `{ inputs, pkgs }:
inputs.home-manager.lib.homeManagerConfiguration {
  inherit pkgs;
  modules = [ ../users/dana.nix ];
}`,
      'users/dana.nix': '{ imports = [ ./dana-git.nix ]; }',
      'users/dana-git.nix': option('danaGit'),
    });
    expect(s.outputs.map((o) => o.attr)).toEqual(['homeConfigurations.dana@desk', 'homeConfigurations.dana@laptop', 'homeConfigurations.missing']);
    expect(s.home_manager_modules.map((m) => [m.path, m.class, m.via])).toEqual([
      ['users/dana-git.nix', 'home-manager', 'homeConfigurations.dana@desk at cfg/dana.nix:4'],
      ['users/dana.nix', 'home-manager', 'homeConfigurations.dana@desk at cfg/dana.nix:4'],
    ]);
    expect(s.organs.map((o) => [o.type, o.name, o.source, o.detected_by])).toEqual([
      ['home-manager-module', 'homeConfigurations.dana@desk', 'users/dana.nix', 'homeConfigurations.dana@desk at cfg/dana.nix:4'],
      ['home-manager-module', 'my.danaGit', 'users/dana-git.nix', 'options declared in users/dana-git.nix'],
    ]);
  });
});
