# Every policy option reaches mutation-runner.json under the field name the CLIs read
# (packages/core/src/schemas/host-policy.ts); unset optional fields are left out.
{
  config.autopoietic = {
    enable = true;
    memory.dir = "/srv/autopoietic";
    mutationRunner = {
      mode = "mutate-vm";
      protectedPaths = [
        "flake.lock"
        "secrets/"
      ];
      operatorChecks = [
        {
          name = "eval-aion";
          command = "nix";
          args = [
            "eval"
            ".#nixosConfigurations.aion.config.system.build.toplevel.drvPath"
          ];
          timeoutSeconds = 600;
        }
        {
          name = "lint";
          command = "statix";
        }
      ];
      defaultTimeoutSeconds = 900;
      checkTimeouts = {
        eval-aion = 300;
      };
    };
  };
  expect.etc = {
    "mutation-runner.json" = ./policy.json;
  };
}
