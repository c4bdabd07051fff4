{
  description = "Autopoietic OS example genome: a small, input-free flake for the pipeline demo";

  # No inputs on purpose: the example evaluates and builds offline, on Nix 2.8 as on current Nix.
  outputs =
    { self }:
    let
      lib = import ./lib;
      system = "x86_64-linux";
      checks = import ./lib/checks.nix { inherit system; };
      hostNames = builtins.attrNames (builtins.readDir ./hosts);
      toplevel = host: self.nixosConfigurations.${host}.config.system.build.toplevel;
      hostChecks = host: [
        {
          name = "${host}-smoke";
          value = checks.smoke host (toplevel host);
        }
        {
          name = "${host}-mode-ceiling";
          value = checks.modeCeiling host (toplevel host);
        }
      ];
    in
    {
      # NixOS-shaped configurations (evaluated by ./lib, not nixpkgs): one per directory in hosts/.
      nixosConfigurations = builtins.listToAttrs (
        map (host: {
          name = host;
          value = lib.evalConfig { modules = [ ./hosts/${host}/configuration.nix ]; };
        }) hostNames
      );

      packages.${system}.default = toplevel "seed";

      checks.${system} = builtins.listToAttrs (builtins.concatMap hostChecks hostNames) // {
        hosts-declare-identity = checks.hostsDeclareIdentity (
          map (host: ./hosts/${host}/configuration.nix) hostNames
        );
      };
    };
}
