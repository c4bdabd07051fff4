# Host identity: /etc/autopoietic/identity.json, read by os-introspect before any fallback.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.autopoietic;
  inherit (lib) mkOption types;
  json = pkgs.formats.json { };
  file = json.generate "autopoietic-identity.json" { inherit (cfg.identity) host roles; };
in
{
  options.autopoietic.identity = {
    host = mkOption {
      type = types.nonEmptyStr;
      default = config.networking.hostName;
      defaultText = lib.literalExpression "config.networking.hostName";
      example = "aion";
      description = "Name this host goes by in self-state, ledgers and install plans.";
    };

    roles = mkOption {
      type = types.listOf types.nonEmptyStr;
      default = [ ];
      example = [
        "development"
        "research"
      ];
      description = "Roles of this host, in order; os-introspect reports them as they are.";
    };
  };

  config = lib.mkIf cfg.enable {
    environment.etc."autopoietic/identity.json".source = file;
  };

  meta.maintainers = [ ];
}
