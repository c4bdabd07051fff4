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
  inherit (cfg.identity) host;
  # A blank host is refused by an assertion rather than by the option's type: with the type, an
  # empty networking.hostName (left to DHCP) failed as "not of type non-empty string" at the
  # default in identity.nix, naming neither the option set nor what to do.
  blank = builtins.match "[[:space:]]*" host != null;
in
{
  options.autopoietic.identity = {
    host = mkOption {
      type = types.str;
      default = config.networking.hostName;
      defaultText = lib.literalExpression "config.networking.hostName";
      example = "aion";
      description = ''
        Name this host goes by in self-state, ledgers and install plans. Must not be blank: set
        it when {option}`networking.hostName` is empty (a name left to DHCP).
      '';
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
    assertions = [
      {
        assertion = !blank;
        message = lib.concatStringsSep " " [
          "autopoietic.identity.host is blank (${builtins.toJSON host}). It defaults to"
          "networking.hostName, which is empty when the name is left to DHCP; set"
          "autopoietic.identity.host to the name this host goes by (for example \"aion\")."
        ];
      }
    ];

    environment.etc."autopoietic/identity.json".source = file;
  };

  meta.maintainers = [ ];
}
