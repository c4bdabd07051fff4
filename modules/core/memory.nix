# The memory directory: the ledgers (hash-chained JSONL) and the logs, evidence and cache the tools
# keep beside them. A fresh system gets valid, empty ledgers; the CLIs on the host find this
# directory through `memory_dir` in /etc/autopoietic/mutation-runner.json.
{
  config,
  lib,
  ...
}:
let
  cfg = config.autopoietic;
  inherit (lib) mkOption types;

  # Must match MEMORY_SUBDIRS in packages/core/src/ledger/paths.ts.
  subdirs = [
    "logs"
    "evidence"
    "cache"
  ];

  dir = cfg.memory.dir;
  inherit (cfg.memory) group;
  # systemd-tmpfiles skips a rule whose group it cannot resolve (it only logs it), which would
  # leave the host without its memory directory and ledgers.
  undeclaredGroup = lib.concatStringsSep " " [
    "autopoietic.memory.group = ${group} is not a declared group; declare it"
    "(users.groups.${group} = { }) or enable autopoietic.agentRuntime, which declares its own."
  ];
  # Which directories are refused, and why: ./memory-dir.nix (builtins only, so tested without
  # nixpkgs).
  ownedHomes = lib.mapAttrs (_: user: user.home) (
    lib.filterAttrs (name: user: user.createHome && name != "root") config.users.users
  );
  rules = import ./memory-dir.nix { inherit dir ownedHomes; };
  homeOwner = builtins.head rules.ownerOf;
  owner = {
    user = "root";
    inherit group;
  };
  dirRule = {
    d = owner // {
      mode = if cfg.memory.groupWritable then "2770" else "0750";
    };
  };
  # `f` creates an empty file when it is missing and never touches an existing ledger.
  fileRule = {
    f = owner // {
      mode = if cfg.memory.groupWritable then "0660" else "0640";
    };
  };
in
{
  options.autopoietic.memory = {
    dir = mkOption {
      type = types.strMatching "/.+";
      default = "/var/lib/autopoietic";
      description = ''
        Directory holding the ledgers. The tools on this host default to it, and
        {option}`autopoietic.agentRuntime` may write only here (below /home or /root it is
        bound into the agent's otherwise empty home directories). Root must own every parent:
        a directory inside a user's home is refused, as systemd-tmpfiles would not create it.
      '';
    };

    group = mkOption {
      type = types.nonEmptyStr;
      default = "root";
      description = ''
        Group owning the memory directory and its ledgers (the owner is root). The agent
        runtime, when on, joins this group, so a group NixOS reserves (`ids.gids`) is then
        refused.
      '';
    };

    ledgers = mkOption {
      type = types.listOf types.str;
      # Must match LEDGERS in packages/core/src/schemas/registry.ts (tests/genome-self.test.ts).
      default = [
        "mutations.jsonl"
        "effects.jsonl"
        "generations.jsonl"
        "mutation-results.jsonl"
        "mutation-promotions.jsonl"
        "organs.jsonl"
        "lineage.jsonl"
      ];
      readOnly = true;
      description = "File names of the ledgers created (empty) in the memory directory.";
    };

    groupWritable = mkOption {
      type = types.bool;
      default = false;
      description = ''
        Whether members of {option}`autopoietic.memory.group` may append to the ledgers. The
        directory then gets mode 2770 (new files inherit the group) instead of 0750.
      '';
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = rules.canonical;
        message = lib.concatStringsSep " " [
          "autopoietic.memory.dir = ${dir} is not a normalised absolute path; write it without a"
          "trailing /, //, . or .. (for example /var/lib/autopoietic)."
        ];
      }
      {
        assertion = !rules.system;
        message = lib.concatStringsSep " " [
          "autopoietic.memory.dir = ${dir} is a system directory or lies in the Nix store, /proc,"
          "/sys or /dev; use a dedicated one (for example /var/lib/autopoietic)."
        ];
      }
      {
        assertion = !rules.volatile;
        message = lib.concatStringsSep " " [
          "autopoietic.memory.dir = ${dir} lies in /run, /var/run, /var/lock or /tmp, which a"
          "reboot empties: the ledgers would be lost and recreated empty. Use a persistent"
          "directory (for example /var/lib/autopoietic)."
        ];
      }
      {
        assertion = rules.ownerOf == [ ];
        message = lib.concatStringsSep " " [
          "autopoietic.memory.dir = ${dir} lies in the home directory of ${homeOwner}"
          "(${ownedHomes.${homeOwner}}), which ${homeOwner} owns: systemd-tmpfiles refuses to"
          "create root-owned directories below it (\"unsafe path transition\"), so the host"
          "would get no ledgers. Use a directory whose parents root owns (for example"
          "/home/autopoietic or /var/lib/autopoietic)."
        ];
      }
      {
        assertion = config.users.groups ? ${group};
        message = undeclaredGroup;
      }
    ];

    systemd.tmpfiles.settings."10-autopoietic-memory" = lib.mkMerge [
      { ${dir} = dirRule; }
      (lib.genAttrs (map (name: "${dir}/${name}") subdirs) (_: dirRule))
      (lib.genAttrs (map (name: "${dir}/${name}") cfg.memory.ledgers) (_: fileRule))
    ];
  };

  meta.maintainers = [ ];
}
