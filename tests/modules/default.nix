# Evaluation-only checks of the NixOS modules (no VM, no KVM). Each case in <area>/<case>.nix is
#   { config = <module>; observe = { config, lib }: { ... }; expect = { ... }; }
# `observe` picks values out of the evaluated system and `expect.observed` is what they must be;
# `expect.etc` maps /etc/autopoietic file names to golden JSON files; `expect.failedAssertions`
# lists the autopoietic assertion messages that must fail (none by default). Each case is one
# derivation that prints expected against actual when they differ.
{
  pkgs,
  autopoieticModule,
}:
let
  inherit (pkgs) lib;

  cases = [
    "agent-runtime/hardened"
    "agent-runtime/home-memory-dir"
    "agent-runtime/missing-command"
    "agent-runtime/reserved-group"
    "agent-runtime/root-group"
    "agent-runtime/without-core"
    "identity/blank-host"
    "identity/default-host"
    "identity/empty-host"
    "memory/non-canonical-dir"
    "memory/system-dir"
    "memory/tmpfiles"
    "memory/undeclared-group"
    "memory/user-home-dir"
    "memory/volatile-dir"
    "mutation-runner/defaults"
    "mutation-runner/duplicate-check"
    "mutation-runner/policy"
    "observation/roots"
  ];

  evalCase =
    caseConfig:
    import (pkgs.path + "/nixos/lib/eval-config.nix") {
      system = null;
      modules = [
        autopoieticModule
        caseConfig
        {
          nixpkgs.pkgs = pkgs;
          boot.loader.grub.enable = false;
          fileSystems."/" = {
            device = "none";
            fsType = "tmpfs";
          };
          system.stateVersion = "25.05";
        }
      ];
    };

  runCase =
    name:
    let
      case = import (./. + "/${name}.nix");
      inherit (evalCase case.config) config;
      expect = {
        observed = { };
        etc = { };
        failedAssertions = [ ];
      }
      // case.expect;
      observe = case.observe or (_: { });
      observed = observe { inherit config lib; };

      failed = map (a: a.message) (lib.filter (a: !a.assertion) config.assertions);
      actualAssertions = lib.filter (lib.hasInfix "autopoietic") failed;
      # Golden files are only compared when the configuration is valid, so evaluating them does
      # not trip over the failing assertions a negative case expects.
      etcPairs = lib.optionals (expect.failedAssertions == [ ]) (
        lib.mapAttrsToList (file: golden: {
          inherit file golden;
          actual = config.environment.etc."autopoietic/${file}".source;
        }) expect.etc
      );
      report = builtins.toJSON {
        expected = {
          inherit (expect) observed failedAssertions;
        };
        actual = {
          observed = if expect.failedAssertions == [ ] then observed else { };
          failedAssertions = actualAssertions;
        };
      };
    in
    pkgs.runCommand "module-eval-${lib.replaceStrings [ "/" ] [ "-" ] name}"
      {
        nativeBuildInputs = [ pkgs.jq ];
        inherit report;
        passAsFile = [ "report" ];
      }
      ''
        jq -S .expected "$reportPath" > expected.json
        jq -S .actual "$reportPath" > actual.json
        if ! diff -u expected.json actual.json; then
          echo "${name}: observed values or assertions differ (- expected, + actual)" >&2
          exit 1
        fi
        ${lib.concatMapStrings (pair: ''
          if ! diff -u <(jq -S . ${pair.golden}) <(jq -S . ${pair.actual}); then
            echo "${name}: /etc/autopoietic/${pair.file} differs from its golden file" >&2
            exit 1
          fi
        '') etcPairs}
        touch "$out"
      '';
in
lib.listToAttrs (
  map (name: {
    name = "module-eval-${lib.replaceStrings [ "/" ] [ "-" ] name}";
    value = runCase name;
  }) cases
)
