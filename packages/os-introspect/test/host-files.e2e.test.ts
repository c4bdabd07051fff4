import { describe, expect, it } from 'vitest';
import type { SelfState } from '@autopoietic/core/schemas';
import { introspectCli, observe, sandbox } from './helpers.js';

/**
 * Hosts of real-world flakes that flake.nix does not write out, read through the built CLI:
 * `nixosConfigurations = import ./hosts { inherit inputs; }` (with mapAttrs and a host in a file
 * of its own there), flake-parts `imports = [ ./parts ]` defining `flake.nixosConfigurations`
 * (genAttrs joined by `//`), and names computed from `readDir` (reported as computed).
 */
type Genome = SelfState['genome'];

function hostsOf(g: Genome): unknown[] {
  return g.hosts.map((h) => [h.name, h.source, `${h.file}:${h.line ?? '-'}`, h.system, h.modules, h.modules_static, h.closure, h.identity.host]);
}

function nixosOutputs(g: Genome): string[] {
  return g.outputs.filter((o) => o.category === 'nixosConfigurations').map((o) => `${o.attr} ${o.static ? 'static' : 'computed'} ${o.file}:${o.line}`);
}

const IMPORTED_HOSTS: Record<string, string> = {
  'flake.nix': `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
  outputs = inputs@{ self, nixpkgs, ... }: {
    nixosModules.identity = ./modules/identity.nix;
    nixosConfigurations = import ./hosts { inherit inputs; };
  };
}
`,
  'hosts/default.nix': `{ inputs }:
let
  lib = inputs.nixpkgs.lib;
  machines = {
    desk = { system = "x86_64-linux"; };
    lab = { system = "aarch64-linux"; };
  };
in
lib.mapAttrs (name: m: lib.nixosSystem {
  inherit (m) system;
  modules = [ ./\${name} inputs.self.nixosModules.identity { autopoietic.identity.host = name; } ];
}) machines // {
  edge = import ./edge.nix { inherit inputs; };
}
`,
  'hosts/edge.nix': `{ inputs }:
inputs.nixpkgs.lib.nixosSystem {
  system = "aarch64-linux";
  modules = [ ./edge/configuration.nix ];
}
`,
  'hosts/desk/default.nix': '{ ... }: { imports = [ ../../modules/desktop.nix ]; }\n',
  'hosts/lab/default.nix': '{ ... }: { }\n',
  'hosts/edge/configuration.nix': '{ ... }: { autopoietic.identity.host = "edge-01"; }\n',
  'modules/identity.nix': '{ lib, ... }: { options.autopoietic.identity.host = lib.mkOption { type = lib.types.str; }; }\n',
  'modules/desktop.nix': '{ ... }: { services.xserver.enable = true; }\n',
};

const FLAKE_PARTS: Record<string, string> = {
  'flake.nix': `{
  inputs.flake-parts.url = "github:hercules-ci/flake-parts";
  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      systems = [ "x86_64-linux" ];
      imports = [ ./parts ];
    };
}
`,
  'parts/default.nix': '{ imports = [ ./hosts.nix ./shells.nix ]; }\n',
  'parts/shells.nix': '{ imports = [ ./default.nix ]; perSystem = { pkgs, ... }: { devShells.default = pkgs.mkShell { }; }; }\n',
  'parts/hosts.nix': `{ inputs, withSystem, ... }:
let
  mkHost = name: withSystem "x86_64-linux" ({ ... }: inputs.nixpkgs.lib.nixosSystem {
    modules = [ ../machines/\${name}.nix inputs.self.nixosModules.common ];
  });
in
{
  flake.nixosConfigurations = inputs.nixpkgs.lib.genAttrs [ "web" "db" ] mkHost // {
    iso = inputs.nixpkgs.lib.nixosSystem { modules = [ ../machines/iso.nix ]; };
  };
  flake.nixosModules.common = ../modules/common.nix;
}
`,
  'modules/common.nix': '{ ... }: { }\n',
  'machines/web.nix': '{ ... }: { }\n',
  'machines/db.nix': '{ ... }: { }\n',
  'machines/iso.nix': '{ ... }: { }\n',
};

const READ_DIR: Record<string, string> = {
  'flake.nix': `{
  outputs = { nixpkgs, ... }:
    let mkHost = name: nixpkgs.lib.nixosSystem { modules = [ ./systems/\${name} ]; };
    in {
      nixosConfigurations = builtins.listToAttrs (map (name: { inherit name; value = mkHost name; }) (builtins.attrNames (builtins.readDir ./systems)));
    };
}
`,
  'systems/alpha/configuration.nix': '{ ... }: { }\n',
  'systems/beta/default.nix': '{ ... }: { }\n',
};

/**
 * The home-manager manual's flake: the NixOS module, then an inline module assigning each user
 * a Home Manager module (a path, or `import` of one with arguments), here in a host file.
 */
const HOME_MANAGER_INLINE: Record<string, string> = {
  'flake.nix': `{
  outputs = { nixpkgs, home-manager, ... }@inputs: {
    nixosConfigurations.desk = import ./hosts/desk.nix { inherit inputs; };
  };
}
`,
  'hosts/desk.nix': `{ inputs }:
inputs.nixpkgs.lib.nixosSystem {
  modules = [
    inputs.home-manager.nixosModules.home-manager
    {
      home-manager.useGlobalPkgs = true;
      home-manager.users.jdoe = ../home/jdoe.nix;
      home-manager.users.ada = import ../home/ada.nix { inherit inputs; };
    }
  ];
}
`,
  'home/jdoe.nix': '{ ... }: { home.stateVersion = "24.05"; }\n',
  'home/ada.nix': '{ inputs }: { ... }: { home.stateVersion = "24.05"; }\n',
};

describe('os-introspect reads hosts a flake builds in other files', () => {
  it("gives the Home Manager modules a host's inline module assigns to users as organs", () => {
    const g = observe(sandbox(HOME_MANAGER_INLINE)).genome;
    expect(g.organs.map((o) => [o.type, o.name, o.source, o.line, o.detected_by])).toEqual([
      ['home-manager-module', 'home-manager.users.ada', 'home/ada.nix', null, 'home-manager.users.ada at hosts/desk.nix:8'],
      ['home-manager-module', 'home-manager.users.jdoe', 'home/jdoe.nix', null, 'home-manager.users.jdoe at hosts/desk.nix:7'],
    ]);
  });

  it('reads `import ./hosts { inherit inputs; }`: mapAttrs there, a host in a file of its own, identity from the inline module', () => {
    const g = observe(sandbox(IMPORTED_HOSTS)).genome;
    expect(nixosOutputs(g)).toEqual(['nixosConfigurations.desk static hosts/default.nix:5', 'nixosConfigurations.lab static hosts/default.nix:6', 'nixosConfigurations.edge static hosts/default.nix:13']);
    expect(hostsOf(g)).toEqual([
      // `inherit (m) system;` in the nixosSystem call reads each host's value that mapAttrs hands it.
      ['desk', 'flake', 'hosts/default.nix:5', 'x86_64-linux', ['hosts/desk/default.nix', 'modules/identity.nix'], true, ['hosts/desk/default.nix', 'modules/identity.nix', 'modules/desktop.nix'], 'desk'],
      ['lab', 'flake', 'hosts/default.nix:6', 'aarch64-linux', ['hosts/lab/default.nix', 'modules/identity.nix'], true, ['hosts/lab/default.nix', 'modules/identity.nix'], 'lab'],
      ['edge', 'flake', 'hosts/default.nix:13', 'aarch64-linux', ['hosts/edge/configuration.nix'], true, ['hosts/edge/configuration.nix'], 'edge-01'],
    ]);
  });

  it('reads flake-parts modules imported by mkFlake (through a cycle) for flake.nixosConfigurations, genAttrs joined by //', () => {
    const g = observe(sandbox(FLAKE_PARTS)).genome;
    expect(nixosOutputs(g)).toEqual(['nixosConfigurations.web static parts/hosts.nix:8', 'nixosConfigurations.db static parts/hosts.nix:8', 'nixosConfigurations.iso static parts/hosts.nix:9']);
    expect(hostsOf(g)).toEqual([
      ['web', 'flake', 'parts/hosts.nix:8', null, ['machines/web.nix', 'modules/common.nix'], true, ['machines/web.nix', 'modules/common.nix'], null],
      ['db', 'flake', 'parts/hosts.nix:8', null, ['machines/db.nix', 'modules/common.nix'], true, ['machines/db.nix', 'modules/common.nix'], null],
      ['iso', 'flake', 'parts/hosts.nix:9', null, ['machines/iso.nix'], true, ['machines/iso.nix'], null],
    ]);
    // `self.nixosModules.common` is defined in the flake-parts module, its path relative to it.
    expect(g.outputs.find((o) => o.attr === 'nixosModules.common')).toMatchObject({ file: 'parts/hosts.nix', line: 11, value_path: '../modules/common.nix' });
    // Its line is parts/hosts.nix's, not one of modules/common.nix: detected_by says where.
    expect(g.organs.find((o) => o.name === 'common')).toEqual({
      name: 'common',
      type: 'nixos-module',
      source: 'modules/common.nix',
      line: null,
      detected_by: 'flake output nixosModules.common at parts/hosts.nix:11',
    });
  });

  it('reports hosts named by readDir as computed, and lists the directory read', () => {
    const s = sandbox(READ_DIR);
    const g = observe(s).genome;
    expect(nixosOutputs(g)).toEqual(['nixosConfigurations.<name> computed flake.nix:5']);
    expect(g.outputs[0]!.read_dir).toBe('./systems');
    expect(hostsOf(g)).toEqual([
      ['alpha', 'convention', 'systems/alpha/configuration.nix:-', null, ['systems/alpha/configuration.nix'], true, ['systems/alpha/configuration.nix'], null],
      ['beta', 'convention', 'systems/beta/default.nix:-', null, ['systems/beta/default.nix'], true, ['systems/beta/default.nix'], null],
    ]);
    const r = introspectCli(s, ['--format', 'summary']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('hosts: alpha (1 module file), beta (1 module file)');
  });
});
