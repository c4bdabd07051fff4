# The mutation policy: /etc/autopoietic/mutation-runner.json. The CLIs read it on every run and
# refuse any action above `mode` before doing work (verify needs mutate-draft, promote mutate-vm,
# install-apply mutate-live). It lives outside the genome, so no proposal can change it.
{
  config,
  lib,
  pkgs,
  ...
}:
let
  cfg = config.autopoietic;
  runner = cfg.mutationRunner;
  inherit (lib) mkOption types;
  json = pkgs.formats.json { };

  operatorCheck = types.submodule {
    options = {
      name = mkOption {
        type = types.nonEmptyStr;
        description = "Name of the check as it appears in verification records.";
      };
      command = mkOption {
        type = types.nonEmptyStr;
        example = "nix";
        description = "Program to run in the candidate genome (looked up on PATH).";
      };
      args = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [
          "eval"
          ".#nixosConfigurations.aion.config.system.build.toplevel.drvPath"
        ];
        description = "Arguments passed to {option}`command`, unchanged (no shell).";
      };
      timeoutSeconds = mkOption {
        type = types.nullOr types.ints.positive;
        default = null;
        description = "Time limit for this check; null uses the default timeout.";
      };
    };
  };

  checkToJson =
    check:
    {
      inherit (check) name command;
    }
    // lib.optionalAttrs (check.args != [ ]) { inherit (check) args; }
    // lib.optionalAttrs (check.timeoutSeconds != null) { timeout_seconds = check.timeoutSeconds; };

  # mutation-runner refuses a policy that names a check twice (policy-invalid, on every run).
  checkNames = map (check: check.name) runner.operatorChecks;
  duplicateNames = lib.unique (
    lib.filter (name: lib.count (n: n == name) checkNames > 1) checkNames
  );

  # Optional fields are left out when unset, so the file says only what the operator chose.
  policy = {
    inherit (runner) mode;
    memory_dir = cfg.memory.dir;
  }
  // lib.optionalAttrs (runner.protectedPaths != [ ]) { protected_paths = runner.protectedPaths; }
  // lib.optionalAttrs (runner.operatorChecks != [ ]) {
    operator_checks = map checkToJson runner.operatorChecks;
  }
  // lib.optionalAttrs (runner.defaultTimeoutSeconds != null) {
    default_timeout_seconds = runner.defaultTimeoutSeconds;
  }
  // lib.optionalAttrs (runner.checkTimeouts != { }) { check_timeouts = runner.checkTimeouts; };
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
      description = ''
        Highest autonomy level the tools may use on this host. observe-only allows reading and
        journaling; mutate-draft adds P1 verify; mutate-vm adds P2 promote; mutate-live adds
        install apply. The CLIs refuse anything above it before doing any work.
      '';
    };

    protectedPaths = mkOption {
      type = types.listOf types.nonEmptyStr;
      default = [ ];
      example = [
        "flake.lock"
        "secrets/"
      ];
      description = ''
        Genome-relative files, or directories when they end in `/`, that no proposal may
        change; mutation-runner rejects a patch touching one.
      '';
    };

    operatorChecks = mkOption {
      type = types.listOf operatorCheck;
      default = [ ];
      description = ''
        Extra checks the operator trusts, each
        `{ name, command, args ? [ ], timeoutSeconds ? null }`. Proposals may name them in
        their expected checks besides the built-in allowlist; they run in the isolated
        candidate, never in the live genome.
      '';
    };

    defaultTimeoutSeconds = mkOption {
      type = types.nullOr types.ints.positive;
      default = null;
      example = 900;
      description = "Time limit for each check without its own; null keeps the tools' default.";
    };

    checkTimeouts = mkOption {
      type = types.attrsOf types.ints.positive;
      default = { };
      example = {
        "nix-flake-check" = 1800;
      };
      description = "Time limits in seconds by check name, overriding the default.";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = duplicateNames == [ ];
        message = lib.concatStringsSep " " [
          "autopoietic.mutationRunner.operatorChecks names"
          "${lib.concatStringsSep ", " duplicateNames} more than once; mutation-runner refuses"
          "a policy that defines a check twice. Give every operator check a unique name."
        ];
      }
    ];

    environment.etc."autopoietic/mutation-runner.json".source =
      json.generate "autopoietic-mutation-runner.json" policy;
  };

  meta.maintainers = [ ];
}
