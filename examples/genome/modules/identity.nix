# Who this host is: written to /etc/autopoietic/identity.json, which os-introspect and the
# install seeds read.
{
  config,
  lib,
  ...
}:
let
  inherit (lib) mkOption types;
  cfg = config.autopoietic.identity;
in
{
  options.autopoietic.identity = {
    host = mkOption {
      type = types.str;
      default = "unknown";
      description = "Host name this genome describes.";
    };
    roles = mkOption {
      type = types.listOf types.str;
      default = [ ];
      description = "What the host is for, most important first.";
    };
  };

  config.system.etc."autopoietic/identity.json" = builtins.toJSON { inherit (cfg) host roles; };
}
