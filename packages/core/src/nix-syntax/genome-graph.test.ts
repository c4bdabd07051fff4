import { execFileSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../../../../tests/support/tmp.js';
import { genomeHosts, importClosure, resolveNixPath } from './genome-graph.js';
import { openGenomeIndex, readHostIdentity } from './genome-files.js';

const GENOME = {
  'flake.nix': `{
  outputs = { self, nixpkgs, ... }: {
    nixosModules.core = ./modules/core;
    nixosConfigurations.aion = nixpkgs.lib.nixosSystem {
      modules = [ ./hosts/aion/configuration.nix self.nixosModules.core { autopoietic.identity.roles = [ "inline" ]; } ];
    };
    nixosConfigurations.ghost = nixpkgs.lib.nixosSystem { modules = [ ./hosts/ghost.nix ]; };
  };
}`,
  'modules/core/default.nix': '{ imports = [ ./identity.nix ./loop.nix ]; }',
  'modules/core/identity.nix': '{ lib, ... }: { options.autopoietic.identity.host = lib.mkOption { type = lib.types.str; }; }',
  'modules/core/loop.nix': '{ imports = [ ./default.nix ../../outside/../modules/core/identity.nix /etc/nixos/x.nix ]; }',
  'hosts/aion/configuration.nix': '{ ... }: { imports = [ ./hardware.nix ]; autopoietic.identity.host = "aion-01"; }',
  'hosts/aion/hardware.nix': '{ autopoietic.identity.host = "not-this-one"; autopoietic.identity.roles = [ "dev" "research" ]; }',
  'hosts/iso/configuration.nix': '{ autopoietic.identity = { host = "iso"; roles = [ "installer" ]; }; }',
  'hosts/notes.txt': 'not a host',
};

describe('genome graph', () => {
  it('resolves paths relative to the importing file; directories mean default.nix', async () => {
    const root = tempDir();
    writeTree(root, GENOME);
    const index = await openGenomeIndex(root);
    expect(resolveNixPath('hosts/aion/configuration.nix', '../../modules/core', index)).toEqual({ kind: 'file', path: 'modules/core/default.nix' });
    expect(resolveNixPath('flake.nix', './hosts/ghost.nix', index)).toEqual({ kind: 'missing', path: 'hosts/ghost.nix' });
    expect(resolveNixPath('flake.nix', '../x.nix', index)).toMatchObject({ kind: 'external' });
    expect(resolveNixPath('a/b.nix', '/etc/nixos/x.nix', index)).toMatchObject({ kind: 'external' });
  });

  it('has no analysis, at once, for a module that is a FIFO or links to /dev/zero (reading either never ends)', async () => {
    const root = tempDir();
    writeTree(root, GENOME);
    execFileSync('mkfifo', [join(root, 'hosts', 'fifo.nix')]);
    symlinkSync('/dev/zero', join(root, 'hosts', 'zero.nix'));
    const index = await openGenomeIndex(root);
    expect(index.analysis('hosts/fifo.nix')).toBeUndefined();
    expect(index.analysis('hosts/zero.nix')).toBeUndefined();
    expect(index.analysis('hosts/aion/hardware.nix')?.module?.config.map((c) => c.path)).toEqual(['autopoietic.identity.host', 'autopoietic.identity.roles']);
  });

  it('walks imports breadth first, once per file, through cycles', async () => {
    const root = tempDir();
    writeTree(root, GENOME);
    const index = await openGenomeIndex(root);
    expect(importClosure(['modules/core/default.nix'], index)).toEqual(['modules/core/default.nix', 'modules/core/identity.nix', 'modules/core/loop.nix']);
  });

  it('takes hosts from nixosConfigurations when the flake names them all', async () => {
    const root = tempDir();
    writeTree(root, GENOME);
    const hosts = genomeHosts(await openGenomeIndex(root));
    expect(hosts.map((h) => [h.name, h.source, h.modules, h.external_modules])).toEqual([
      ['aion', 'flake', ['hosts/aion/configuration.nix', 'modules/core/default.nix'], []],
      ['ghost', 'flake', [], ['./hosts/ghost.nix (missing: hosts/ghost.nix)']],
    ]);
  });

  it("counts what an inline module imports as the host's modules, so that its closure holds them", async () => {
    // Flakes written for home-manager and the like pass `{ imports = [ ./x.nix ]; … }` in a host's
    // module list; the files it imported were missing from the host's modules and closure.
    const root = tempDir();
    writeTree(root, {
      'flake.nix': `{
  outputs = { nixpkgs, ... }@inputs: {
    nixosConfigurations.laptop = nixpkgs.lib.nixosSystem {
      modules = [
        ./hosts/laptop.nix
        { imports = [ ./modules/ssh.nix ./modules/gone.nix inputs.hm.nixosModules.default ]; home-manager.useGlobalPkgs = true; }
      ];
    };
  };
}`,
      'hosts/laptop.nix': '{ ... }: { }',
      'modules/ssh.nix': '{ ... }: { imports = [ ./identity.nix ]; }',
      'modules/identity.nix': '{ autopoietic.identity.host = "laptop-01"; }',
    });
    const index = await openGenomeIndex(root);
    const [laptop] = genomeHosts(index);
    expect(laptop?.modules).toEqual(['hosts/laptop.nix', 'modules/ssh.nix']);
    expect(laptop?.external_modules).toEqual(['./modules/gone.nix (missing: modules/gone.nix)', 'inputs.hm.nixosModules.default']);
    expect(importClosure(laptop!.modules, index)).toEqual(['hosts/laptop.nix', 'modules/ssh.nix', 'modules/identity.nix']);
    expect((await readHostIdentity(root, 'laptop'))?.host).toEqual({ value: 'laptop-01', file: 'modules/identity.nix', line: 1 });
  });

  it("reads paths through flake.nix's own `self` as genome files; elsewhere `self` is only a convention, left dynamic", async () => {
    // `modules = [ "${self}/system/core/users.nix" ]`: self is the outputs function's argument,
    // the flake itself, so the path is a file of the genome; it was listed as external.
    const root = tempDir();
    writeTree(root, {
      'flake.nix': `{
  outputs = { self, nixpkgs, ... }@inputs:
    let
      mk = name: nixpkgs.lib.nixosSystem { modules = [ "\${self}/machines/\${name}" ]; };
      shadow = self: nixpkgs.lib.nixosSystem { modules = [ "\${self}/system/core/users.nix" ]; };
    in {
      nixosConfigurations.a = nixpkgs.lib.nixosSystem {
        modules = [
          "\${self}/system/core/users.nix"
          (self + "/hosts/a.nix")
          "\${inputs.self}/system"
          (import "\${self}/modules/imported.nix")
          "\${self}/gone.nix"
          "\${nixpkgs}/nixos/modules/profiles/minimal.nix"
          { imports = [ "\${self}/modules/ssh.nix" ]; }
        ];
      };
      nixosConfigurations.b = mk "b";
      nixosConfigurations.c = shadow self;
    };
}`,
      'system/core/users.nix': '{ ... }: { }',
      'system/default.nix': '{ ... }: { }',
      'hosts/a.nix': '{ self, ... }: { imports = [ "${self}/modules/convention.nix" (import ./imported-here.nix) ]; }',
      'hosts/imported-here.nix': '{ autopoietic.identity.host = "a-01"; }',
      'modules/imported.nix': '{ ... }: { }',
      'modules/ssh.nix': '{ ... }: { }',
      'modules/convention.nix': '{ ... }: { }',
      'machines/b/default.nix': '{ ... }: { }',
    });
    const index = await openGenomeIndex(root);
    const [a, b, c] = genomeHosts(index);
    expect(a?.modules).toEqual(['system/core/users.nix', 'hosts/a.nix', 'system/default.nix', 'modules/imported.nix', 'modules/ssh.nix']);
    expect(a?.external_modules).toEqual(['"${self}/gone.nix" (missing: gone.nix)', '"${nixpkgs}/nixos/modules/profiles/minimal.nix"']);
    // In hosts/a.nix, `self` is whatever specialArgs passes: its import stays dynamic, out of the closure.
    expect(importClosure(a!.modules, index)).toEqual([...a!.modules, 'hosts/imported-here.nix']);
    expect(index.analysis('hosts/a.nix')?.module?.imports.map((i) => [i.kind, i.path ?? null, i.dynamic])).toEqual([
      ['string', null, true],
      ['import', './imported-here.nix', false],
    ]);
    expect((await readHostIdentity(root, 'a'))?.host).toEqual({ value: 'a-01', file: 'hosts/imported-here.nix', line: 1 });
    expect(b?.modules).toEqual(['machines/b/default.nix']);
    // A helper's parameter named self is not the flake's self.
    expect([c?.modules, c?.external_modules]).toEqual([[], ['"${self}/system/core/users.nix"']]);
  });

  it('places an identity set inline in the file that lists the modules, not where the host is named', async () => {
    // `alpha = import ./hosts/alpha.nix { inherit inputs; };`, the host file calling nixosSystem
    // with an inline module: its lines were reported as flake.nix's.
    const root = tempDir();
    writeTree(root, {
      'flake.nix': '{\n  outputs = { nixpkgs, ... }@inputs: {\n    nixosConfigurations.alpha = import ./hosts/alpha.nix { inherit inputs; };\n  };\n}\n',
      'hosts/alpha.nix': `{ inputs }:
inputs.nixpkgs.lib.nixosSystem {
  modules = [
    ./alpha-hw.nix
    {
      autopoietic.identity.host = "alpha";
      autopoietic.identity.roles = [ "web" ];
    }
  ];
}`,
      'hosts/alpha-hw.nix': '{ ... }: { }',
    });
    const [alpha] = genomeHosts(await openGenomeIndex(root));
    expect([alpha?.file, alpha?.base, alpha?.modules]).toEqual(['flake.nix', 'hosts/alpha.nix', ['hosts/alpha-hw.nix']]);
    const id = await readHostIdentity(root, 'alpha');
    expect(id?.host).toEqual({ value: 'alpha', file: 'hosts/alpha.nix', line: 6 });
    expect(id?.roles).toEqual({ value: ['web'], file: 'hosts/alpha.nix', line: 7 });
  });

  it('adds the hosts/<name>/ layout when the flake computes its hosts, or there is no flake', async () => {
    const computed = tempDir();
    writeTree(computed, { ...GENOME, 'flake.nix': '{ outputs = { self }: { nixosConfigurations = builtins.mapAttrs (n: _: n) (builtins.readDir ./hosts); }; }' });
    expect(genomeHosts(await openGenomeIndex(computed)).map((h) => [h.name, h.source, h.file])).toEqual([
      ['aion', 'convention', 'hosts/aion/configuration.nix'],
      ['iso', 'convention', 'hosts/iso/configuration.nix'],
    ]);
    const bare = tempDir();
    writeTree(bare, { 'hosts/solo/default.nix': '{ autopoietic.identity.host = "solo"; }' });
    expect(genomeHosts(await openGenomeIndex(bare)).map((h) => [h.name, h.file])).toEqual([['solo', 'hosts/solo/default.nix']]);
  });

  it('reads a host identity from the Nix source: inline modules first, then imports in order', async () => {
    const root = tempDir();
    writeTree(root, GENOME);
    const aion = await readHostIdentity(root, 'aion');
    expect(aion?.host).toEqual({ value: 'aion-01', file: 'hosts/aion/configuration.nix', line: 1 });
    expect(aion?.roles).toEqual({ value: ['inline'], file: 'flake.nix', line: 5 });
    expect(await readHostIdentity(root, 'iso')).toBeUndefined();
    expect(await readHostIdentity(root, 'nope')).toBeUndefined();
  });
});
