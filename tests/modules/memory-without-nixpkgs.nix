# The assertions of memory.nix (a refused memory directory or group) on the cases in ./memory,
# evaluated without nixpkgs for tests/memory-dir-rules.test.ts: memory.nix gets a stand-in for
# the few lib functions it calls (./stand-in-lib.nix) and a config holding the case's memory
# options. The module checks (./default.nix) evaluate the same cases in a real NixOS system, in
# CI.
#   nix-instantiate --eval --strict --json --argstr case volatile-dir \
#     tests/modules/memory-without-nixpkgs.nix
{ case }:
let
  memoryCase = import (./memory + "/${case}.nix");
  memory = memoryCase.config.autopoietic.memory or { };

  lib = import ./stand-in-lib.nix;

  module = import ../../modules/core/memory.nix {
    inherit lib;
    config = {
      autopoietic = {
        enable = true;
        memory = {
          dir = memory.dir or "/var/lib/autopoietic";
          group = memory.group or "root";
          groupWritable = false;
          ledgers = [ "mutations.jsonl" ];
        };
      };
      users.groups.root = { };
      # The case's users, with the home NixOS gives a normal user (created, /home/<name>).
      users.users = builtins.mapAttrs (name: user: {
        createHome = user.createHome or (user.isNormalUser or false);
        home = user.home or (if user.isNormalUser or false then "/home/${name}" else "/var/empty");
      }) (memoryCase.config.users.users or { });
    };
  };
  failed = builtins.filter (a: !a.assertion) module.config.content.assertions;
in
{
  expected = memoryCase.expect.failedAssertions or [ ];
  actual = map (a: a.message) failed;
}
