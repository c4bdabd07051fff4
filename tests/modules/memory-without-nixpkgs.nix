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
    };
  };
  failed = builtins.filter (a: !a.assertion) module.config.content.assertions;
in
{
  expected = memoryCase.expect.failedAssertions or [ ];
  actual = map (a: a.message) failed;
}
