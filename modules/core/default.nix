# The Autopoietic OS core: host identity, memory (ledgers), observation config, the mutation
# policy the CLIs enforce, and an optional sandboxed agent runtime. Everything is off until
# `autopoietic.enable` is set.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.autopoietic;
  inherit (lib) mkEnableOption mkOption types;
in
{
  imports = [
    ./identity.nix
    ./memory.nix
    ./observation.nix
    ./agent-runtime.nix
    ./mutation-runner.nix
  ];

  options.autopoietic = {
    enable = mkEnableOption "the Autopoietic OS core (identity, memory, observation, policy)";

    package = mkOption {
      type = types.package;
      default = pkgs.callPackage ../../nix/package.nix { };
      defaultText = lib.literalExpression "pkgs.callPackage ../../nix/package.nix { }";
      description = "The tools: os-introspect, mutation-journal and mutation-runner.";
    };

    installTools = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to put {option}`autopoietic.package` on the system PATH.";
    };
  };

  config = lib.mkIf (cfg.enable && cfg.installTools) {
    environment.systemPackages = [ cfg.package ];
  };

  meta.maintainers = [ ];
}
