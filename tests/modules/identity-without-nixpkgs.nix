# The assertions of identity.nix on the cases in ./identity, evaluated without nixpkgs for
# tests/module-rules.test.ts: identity.nix gets the lib stand-in (./stand-in-lib.nix) and a
# config holding the case's identity options, the host defaulting to networking.hostName (whose
# NixOS default is "nixos"). The module checks (./default.nix) evaluate the same cases in a real
# NixOS system, in CI.
#   nix-instantiate --eval --strict --json --argstr case empty-host \
#     tests/modules/identity-without-nixpkgs.nix
{ case }:
let
  identityCase = import (./identity + "/${case}.nix");
  caseConfig = identityCase.config;
  identity = caseConfig.autopoietic.identity or { };
  hostName = caseConfig.networking.hostName or "nixos";

  module = import ../../modules/core/identity.nix {
    lib = import ./stand-in-lib.nix;
    # Only the assertions are evaluated: the generated file is never forced.
    pkgs.formats.json = _: { generate = name: _: name; };
    config = {
      autopoietic = {
        enable = caseConfig.autopoietic.enable or false;
        identity = {
          host = identity.host or hostName;
          roles = identity.roles or [ ];
        };
      };
      networking.hostName = hostName;
    };
  };
  failed = builtins.filter (a: !a.assertion) (module.config.content.assertions or [ ]);
in
{
  expected = identityCase.expect.failedAssertions or [ ];
  actual = map (a: a.message) failed;
}
