{
  description = "Autopoietic OS: a NixOS genome evolved through gated, journaled Nix patches";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";
    home-manager = {
      url = "github:nix-community/home-manager";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs =
    {
      self,
      nixpkgs,
      home-manager,
    }:
    let
      inherit (nixpkgs) lib;

      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];

      # One place that maps a system to its package set and our tools built with it.
      forAllSystems =
        f:
        lib.genAttrs systems (
          system:
          f {
            inherit system;
            pkgs = nixpkgs.legacyPackages.${system};
            tools = self.packages.${system}.autopoietic-tools;
          }
        );

      # The ISO and the VM checks are x86_64 only, so aarch64 evaluation never has to build them
      # (the hosts set nixpkgs.hostPlatform to this system).
      isoSystem = "x86_64-linux";

      # Test data whose bytes tests patch and compare: the example genome (its pending proposals
      # carry diffs against these files) and the CLIs' fixtures under packages/*/test. `nix fmt`
      # and the nix-format check leave them as they are.
      unformattedDirs = [
        "examples"
        "packages"
      ];
    in
    {
      packages = forAllSystems (
        { system, pkgs, ... }:
        {
          autopoietic-tools = pkgs.callPackage ./nix/package.nix { };
          default = self.packages.${system}.autopoietic-tools;
        }
        // lib.optionalAttrs (system == isoSystem) {
          iso = self.nixosConfigurations.iso.config.system.build.isoImage;
        }
      );

      apps = forAllSystems (
        { system, tools, ... }:
        let
          mkApp = name: description: {
            type = "app";
            program = "${tools}/bin/${name}";
            meta = { inherit description; };
          };
        in
        {
          os-introspect = mkApp "os-introspect" "Observe the genome and the body into a self-state";
          mutation-journal = mkApp "mutation-journal" "Append to and verify the ledgers";
          mutation-runner = mkApp "mutation-runner" "Verify, promote and install proposals";
          default = self.apps.${system}.os-introspect;
        }
      );

      devShells = forAllSystems (
        { pkgs, tools, ... }:
        {
          default = pkgs.mkShell {
            # nodejs_20 is marked insecure at the pinned nixpkgs (end of life 2026-04-30), so the
            # shell uses the Node.js LTS the package is built and tested with (nix/package.nix).
            packages = [
              tools.passthru.nodejs
              tools.passthru.pnpm
              pkgs.git
              pkgs.jq
              # The pnpm-hash tests (tests/pnpm-deps-hash-offline.test.ts) pack a store with it.
              pkgs.zstd
              # Headless, for the lineage view's browser test (packages/mutation-journal/test):
              # scripts/setup.sh installs Debian's only as root, and a developer here is not.
              pkgs.chromium
              pkgs.nixfmt
              tools
            ];
          };
        }
      );

      formatter = forAllSystems (
        { pkgs, ... }:
        pkgs.nixfmt-tree.override {
          settings.formatter.nixfmt.excludes = map (dir: "${dir}/**") unformattedDirs;
        }
      );

      nixosModules = {
        autopoietic-core = ./modules/core;
        default = self.nixosModules.autopoietic-core;
      };

      nixosConfigurations = {
        aion = lib.nixosSystem {
          modules = [
            home-manager.nixosModules.home-manager
            self.nixosModules.autopoietic-core
            ./hosts/aion/configuration.nix
          ];
        };

        iso = lib.nixosSystem {
          modules = [
            "${nixpkgs}/nixos/modules/installer/cd-dvd/installation-cd-minimal.nix"
            self.nixosModules.autopoietic-core
            ./hosts/iso/configuration.nix
          ];
        };
      };

      checks = forAllSystems (
        {
          system,
          pkgs,
          tools,
        }:
        import ./nix/checks.nix {
          inherit pkgs tools unformattedDirs;
          autopoieticModule = self.nixosModules.autopoietic-core;
        }
        // lib.optionalAttrs (system == isoSystem) (
          import ./tests/vm {
            inherit pkgs nixpkgs;
            autopoieticModule = self.nixosModules.autopoietic-core;
            isoConfig = self.nixosConfigurations.iso.config;
          }
        )
      );
    };
}
