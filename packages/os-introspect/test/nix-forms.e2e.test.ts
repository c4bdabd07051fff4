import { beforeAll, describe, expect, it } from 'vitest';
import type { SelfState } from '@autopoietic/core/schemas';
import { introspectCli, observe, sandbox, type Sandbox } from './helpers.js';

/**
 * Forms common in real flakes and nixpkgs-style modules, read through the built CLI: hosts built
 * by a helper in the flake's let and by flake-parts' withSystem, descriptions wrapped in
 * lib.mdDoc, options bound in a let and named by inherit, and options only evaluation can list.
 */
const TREE: Record<string, string> = {
  'flake.nix': `{
  description = "Nix forms";
  inputs.flake-parts.url = "github:hercules-ci/flake-parts";
  outputs = inputs@{ flake-parts, nixpkgs, self, ... }:
    let
      mkHost = name: nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        modules = [ ./hosts/\${name} self.nixosModules.svc { autopoietic.identity.host = name; } ];
      };
    in
    flake-parts.lib.mkFlake { inherit inputs; } ({ withSystem, ... }: {
      systems = [ "x86_64-linux" ];
      flake.nixosModules.svc = ./modules/svc.nix;
      flake.nixosConfigurations = {
        desk = mkHost "desk";
        edge = withSystem "x86_64-linux" ({ ... }: nixpkgs.lib.nixosSystem { modules = [ ./hosts/edge ]; });
      };
    });
}
`,
  'hosts/desk/default.nix': '{ ... }: { imports = [ ./hardware.nix ]; }\n',
  'hosts/desk/hardware.nix': '{ ... }: { boot.loader.grub.enable = false; }\n',
  'hosts/edge/default.nix': '{ ... }: { networking.hostName = "edge"; }\n',
  'modules/svc.nix': `{ config, lib, ... }:
let
  enable = lib.mkEnableOption (lib.mdDoc "the service");
in {
  options.services.svc = {
    inherit enable;
    port = lib.mkOption { type = lib.types.port; default = 80; description = lib.mdDoc "Port to listen on."; };
    instances = lib.genAttrs [ "a" "b" ] (n: lib.mkOption { type = lib.types.str; });
  };
  config = lib.mkIf config.services.svc.enable { networking.firewall.allowedTCPPorts = [ config.services.svc.port ]; };
}
`,
  'modules/split.nix': `{ config, lib, ... }:
{
  options.services.split.enable = lib.mkEnableOption "the split service";
  config = lib.mkIf config.services.split.enable (import ./split-impl.nix { inherit config lib; });
}
`,
};

describe('os-introspect reads common real-world Nix forms', () => {
  let s: Sandbox;
  let g: SelfState['genome'];
  beforeAll(() => {
    s = sandbox(TREE);
    g = observe(s).genome;
  });

  it('lists hosts built by a let-bound helper and by withSystem with their module files and closure', () => {
    expect(g.hosts.map((h) => [h.name, h.system, h.modules, h.modules_static, h.closure, h.identity])).toEqual([
      [
        'desk',
        'x86_64-linux',
        ['hosts/desk/default.nix', 'modules/svc.nix'],
        true,
        ['hosts/desk/default.nix', 'modules/svc.nix', 'hosts/desk/hardware.nix'],
        { host: 'desk', roles: null, host_at: 'flake.nix:8' },
      ],
      ['edge', null, ['hosts/edge/default.nix'], true, ['hosts/edge/default.nix'], { host: null, roles: null }],
    ]);
  });

  it('reads mdDoc descriptions, inherited options, and lists computed options as such', () => {
    const svc = g.modules.find((m) => m.path === 'modules/svc.nix')!;
    expect(svc.options.map((o) => [o.path, o.declared_with, o.default_value ?? null, o.description_value ?? null, o.line])).toEqual([
      ['services.svc.enable', 'mkEnableOption', false, 'Whether to enable the service.', 6],
      ['services.svc.port', 'mkOption', 80, 'Port to listen on.', 7],
    ]);
    expect(svc.computed_options).toEqual([{ path: 'services.svc.instances', expr: 'lib.genAttrs [ "a" "b" ] (n: lib.mkOption { type = lib.types.str; })', line: 8 }]);
    expect(g.modules.find((m) => m.path === 'hosts/edge/default.nix')!.computed_options).toBeUndefined();
  });

  it('lists config only evaluation can list as computed_config (it was an empty config, as if the module set nothing)', () => {
    const split = g.modules.find((m) => m.path === 'modules/split.nix')!;
    expect(split.config).toEqual([]);
    expect(split.computed_config).toEqual([{ path: '', expr: 'import ./split-impl.nix { inherit config lib; }', line: 4 }]);
    expect(g.modules.find((m) => m.path === 'modules/svc.nix')!.computed_config).toBeUndefined();
  });

  it('summarises both hosts with their module files', () => {
    const r = introspectCli(sandbox(TREE), ['--format', 'summary']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('hosts: desk (3 module files, identity desk), edge (1 module file)');
  });
});

/**
 * A flake naming its files through `self`, re-exporting overlays and modules of its inputs, and
 * a Home Manager user written in place with `imports`: forms a review of real configurations found
 * misread (external modules, another flake's overlay as an organ, no Home Manager organ).
 */
const SELF_TREE: Record<string, string> = {
  'flake.nix': `{
  outputs = { self, nixpkgs, nur, home-manager, ... }@inputs: {
    overlays.nur = inputs.nur.overlay;
    overlays.own = import ./overlays/own.nix;
    nixosModules.hm = home-manager.nixosModules.home-manager;
    nixosConfigurations.desk = nixpkgs.lib.nixosSystem {
      modules = [
        "\${self}/system/core/users.nix"
        (self + "/hosts/desk.nix")
        home-manager.nixosModules.home-manager
        { home-manager.users.ada = { imports = [ ./home/ada.nix inputs.x.homeModules.default ]; home.stateVersion = "24.05"; }; }
      ];
    };
  };
}
`,
  'overlays/own.nix': 'final: prev: { }\n',
  'system/core/users.nix': '{ ... }: { imports = [ (import ./groups.nix) ]; }\n',
  'system/core/groups.nix': '{ autopoietic.identity.host = "desk-01"; }\n',
  'hosts/desk.nix': '{ ... }: { }\n',
  'home/ada.nix': '{ ... }: { }\n',
};

describe('os-introspect reads paths through self, re-exports and Home Manager imports', () => {
  it("lists the host's self paths as its modules, gives no organ for an input's parts, and a Home Manager organ for a user's imports", () => {
    const g = observe(sandbox(SELF_TREE)).genome;
    expect(g.hosts.map((h) => [h.name, h.modules, h.external_modules, h.closure, h.identity.host])).toEqual([
      [
        'desk',
        ['system/core/users.nix', 'hosts/desk.nix'],
        ['home-manager.nixosModules.home-manager'],
        ['system/core/users.nix', 'hosts/desk.nix', 'system/core/groups.nix'],
        'desk-01',
      ],
    ]);
    expect(g.import_graph).toEqual([{ from: 'system/core/users.nix', to: 'system/core/groups.nix', line: 1 }]);
    expect(g.organs.map((o) => [o.type, o.name, o.source, o.detected_by])).toEqual([
      ['home-manager-module', 'home-manager.users.ada', 'home/ada.nix', 'home-manager.users.ada at flake.nix:11'],
      ['overlay', 'own', 'overlays/own.nix', 'flake output overlays.own at flake.nix:4'],
    ]);
  });
});
