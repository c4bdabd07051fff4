# The autonomy ladder: the highest mode the Autopoietic tools may use on this host, written to
# /etc/autopoietic/mutation-runner.json, which the CLIs enforce.
{
  config,
  lib,
  ...
}:
let
  inherit (lib) mkOption types;
  cfg = config.autopoietic.mutationRunner;
in
{
  options.autopoietic.mutationRunner = {
    mode = mkOption {
      type = types.enum [
        "observe-only"
        "mutate-draft"
        "mutate-vm"
        "mutate-live"
        "autopoiesis"
      ];
      default = "observe-only";
      description = "Highest autonomy level the Autopoietic tools may use on this host.";
    };
    memoryDir = mkOption {
      type = types.str;
      default = "/var/lib/autopoietic";
      description = "Directory that holds the ledgers.";
    };
  };

  config.system.etc."autopoietic/mutation-runner.json" = builtins.toJSON {
    inherit (cfg) mode;
    memory_dir = cfg.memoryDir;
  };
}
