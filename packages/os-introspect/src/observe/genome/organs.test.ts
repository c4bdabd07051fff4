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

describe('organs of Home Manager modules', () => {
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
});
