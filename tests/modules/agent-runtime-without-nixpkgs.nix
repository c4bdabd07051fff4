# agent-runtime.nix on the cases in ./agent-runtime, evaluated without nixpkgs for
# tests/module-rules.test.ts: its failing assertions, and the sandbox settings a case observes
# (how the service reaches the memory directory and which group it joins). The module gets the
# lib stand-in (./stand-in-lib.nix) and a config holding the case's options with the defaults
# the modules give them; the module checks (./default.nix) evaluate the same cases in a real
# NixOS system, in CI.
#   nix-instantiate --eval --strict --json --argstr case home-memory-dir \
#     tests/modules/agent-runtime-without-nixpkgs.nix
{ case }:
let
  lib = import ./stand-in-lib.nix;
  agentCase = import (./agent-runtime + "/${case}.nix");
  core = agentCase.config.autopoietic or { };
  agentSet = core.agentRuntime or { };
  memorySet = core.memory or { };

  agent = {
    enable = agentSet.enable or false;
    command = agentSet.command or [ ];
    group = agentSet.group or "autopoietic";
    restartSec = agentSet.restartSec or 10;
  };

  module = import ../../modules/core/agent-runtime.nix {
    inherit lib;
    utils.escapeSystemdExecArgs = args: builtins.concatStringsSep " " (map builtins.toJSON args);
    config = {
      autopoietic = {
        enable = core.enable or false;
        agentRuntime = agent;
        memory = {
          dir = memorySet.dir or "/var/lib/autopoietic";
          # memory.nix's default, which agent-runtime.nix overrides (mkDefault) when it is on.
          group = memorySet.group or (if agent.enable then agent.group else "root");
        };
      };
      # A few of NixOS's reserved groups (nixos/modules/misc/ids.nix holds them all).
      ids.gids = {
        root = 0;
        wheel = 1;
        users = 100;
        nogroup = 65534;
      };
    };
  };

  applied = map (part: part.content) (builtins.filter (part: part.condition) module.config);
  assertions = builtins.concatMap (content: content.assertions or [ ]) applied;
  failed = builtins.filter (a: !a.assertion) assertions;
  services = builtins.foldl' (acc: c: acc // (c.systemd.services or { })) { } applied;
  service = services.autopoietic-agent.serviceConfig or { };

  # The settings compared here, where a case observes them; anything else only CI evaluates.
  sandboxKeys = [
    "BindPaths"
    "ProtectHome"
    "ReadWritePaths"
    "SupplementaryGroups"
  ];
  observed = agentCase.expect.observed or { };
  expectedSandbox = builtins.intersectAttrs (lib.genAttrs sandboxKeys (_: null)) observed;
in
{
  expected = {
    failedAssertions = agentCase.expect.failedAssertions or [ ];
    sandbox = expectedSandbox;
  };
  actual = {
    failedAssertions = map (a: a.message) failed;
    sandbox = builtins.mapAttrs (name: _: service.${name} or null) expectedSandbox;
  };
}
