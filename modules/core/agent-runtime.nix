# The agent runtime: an optional, sandboxed long-running service. It is not root, sees the system
# read-only, and may write only the memory directory (to append to the ledgers as a member of
# the memory group). Off by default: the project ships no agent, so the command is yours.
{
  config,
  lib,
  utils,
  ...
}:
let
  cfg = config.autopoietic;
  agent = cfg.agentRuntime;
  inherit (lib) mkEnableOption mkOption types;
  inherit (cfg.memory) dir group;

  # ProtectHome=yes makes /home, /root and /run/user inaccessible, and systemd then drops every
  # ReadWritePaths= entry below them ("masked"): a memory directory there stayed hidden and the
  # agent could not reach its ledgers. ProtectHome=tmpfs mounts empty, read-only file systems
  # there instead, into which BindPaths= mounts the memory directory back (systemd.exec(5)), so
  # the agent still sees no other home directory.
  inHome = (import ./memory-dir.nix { inherit dir; }).home;
  memoryAccess =
    if inHome then
      {
        ProtectHome = "tmpfs";
        BindPaths = [ dir ];
      }
    else
      {
        ProtectHome = true;
        ReadWritePaths = [ dir ];
      };

  # The agent joins the memory group (SupplementaryGroups), and with groupWritable the group's
  # members may write the ledgers: a group NixOS reserves for another purpose (root, wheel,
  # users, docker, systemd-journal, keys, ...: the static gids of ids.gids) would give the agent
  # that group's rights and the group's members the agent's memory.
  reservedGroup = lib.concatStringsSep " " [
    "autopoietic.memory.group = ${group} (which defaults to autopoietic.agentRuntime.group) is a"
    "group NixOS reserves for another purpose (ids.gids.${group}): the agent runtime joins the"
    "memory group, so it would gain that group's rights and every member of ${group} could read"
    "and write the agent's memory. Set autopoietic.agentRuntime.group to a dedicated group (the"
    "default, autopoietic) and leave autopoietic.memory.group unset."
  ];
in
{
  options.autopoietic.agentRuntime = {
    enable = mkEnableOption "the sandboxed Autopoietic OS agent runtime service";

    command = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [
        "/opt/agent/bin/agent"
        "--memory-dir"
        "/var/lib/autopoietic"
      ];
      description = ''
        Program and arguments the service runs (no shell). Must be set when the runtime is
        enabled; it runs as a transient user in the memory group, see
        {option}`autopoietic.memory.group`.
      '';
    };

    group = mkOption {
      type = types.nonEmptyStr;
      default = "autopoietic";
      description = ''
        Group created for the agent; it becomes the memory group when enabled. It must be a
        dedicated group: one NixOS reserves for another purpose (root, wheel, users, docker and
        the rest of `ids.gids`) is refused, as the agent would gain its rights and its members
        the agent's memory.
      '';
    };

    restartSec = mkOption {
      type = types.ints.positive;
      default = 10;
      description = "Seconds to wait before restarting the agent after it fails.";
    };
  };

  config = lib.mkMerge [
    # The runtime needs what the core sets up (the memory directory, its group and the policy):
    # enabled on its own, it would silently do nothing.
    (lib.mkIf (agent.enable && !cfg.enable) {
      assertions = [
        {
          assertion = false;
          message = "autopoietic.agentRuntime.enable needs autopoietic.enable = true as well.";
        }
      ];
    })
    (lib.mkIf (cfg.enable && agent.enable) {
      assertions = [
        {
          assertion = agent.command != [ ];
          message = "autopoietic.agentRuntime.command must be set when the agent runtime is on.";
        }
        {
          assertion = !(config.ids.gids ? ${group});
          message = reservedGroup;
        }
      ];

      users.groups.${agent.group} = { };
      autopoietic.memory = {
        group = lib.mkDefault agent.group;
        groupWritable = lib.mkDefault true;
      };

      systemd.services.autopoietic-agent = {
        description = "Autopoietic OS agent runtime";
        wantedBy = [ "multi-user.target" ];
        after = [ "systemd-tmpfiles-setup.service" ];
        # Restart on failure, but stop retrying a crash loop after 5 starts in 5 minutes.
        startLimitIntervalSec = 300;
        startLimitBurst = 5;
        serviceConfig = {
          Type = "simple";
          # Each argument JSON-quoted, with % and $ escaped: systemd runs it as given, no shell.
          ExecStart = utils.escapeSystemdExecArgs agent.command;
          Restart = "on-failure";
          RestartSec = agent.restartSec;

          DynamicUser = true;
          SupplementaryGroups = [ group ];
          UMask = "0007";

          NoNewPrivileges = true;
          PrivateTmp = true;
          PrivateDevices = true;
          ProtectSystem = "strict";
          ProtectKernelTunables = true;
          ProtectKernelModules = true;
          ProtectKernelLogs = true;
          ProtectControlGroups = true;
          ProtectClock = true;
          ProtectHostname = true;
          ProtectProc = "invisible";
          ProcSubset = "pid";
          RestrictAddressFamilies = [
            "AF_UNIX"
            "AF_INET"
            "AF_INET6"
          ];
          RestrictNamespaces = true;
          RestrictRealtime = true;
          RestrictSUIDSGID = true;
          LockPersonality = true;
          MemoryDenyWriteExecute = false; # Node.js JIT needs writable+executable memory.
          RemoveIPC = true;
          CapabilityBoundingSet = "";
          SystemCallArchitectures = "native";
          SystemCallFilter = [
            "@system-service"
            "~@privileged"
          ];
          SystemCallErrorNumber = "EPERM";
        }
        // memoryAccess;
      };
    })
  ];

  meta.maintainers = [ ];
}
