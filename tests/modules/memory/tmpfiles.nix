# The memory directory is 0750 root:root with its subdirectories, and every ledger exists as an
# empty file (tmpfiles `f` never truncates an existing one).
{
  config.autopoietic.enable = true;
  # Only the rule fields: submodule values also carry module-system internals.
  observe =
    { config, lib }:
    {
      tmpfiles = lib.mapAttrs (
        _path:
        lib.mapAttrs (
          _type: rule: {
            inherit (rule)
              type
              mode
              user
              group
              age
              argument
              ;
          }
        )
      ) config.systemd.tmpfiles.settings."10-autopoietic-memory";
    };
  expect.observed.tmpfiles =
    let
      dir = {
        d = {
          type = "d";
          user = "root";
          group = "root";
          mode = "0750";
          age = "-";
          argument = "";
        };
      };
      ledger = {
        f = {
          type = "f";
          user = "root";
          group = "root";
          mode = "0640";
          age = "-";
          argument = "";
        };
      };
    in
    {
      "/var/lib/autopoietic" = dir;
      "/var/lib/autopoietic/cache" = dir;
      "/var/lib/autopoietic/evidence" = dir;
      "/var/lib/autopoietic/logs" = dir;
      "/var/lib/autopoietic/effects.jsonl" = ledger;
      "/var/lib/autopoietic/generations.jsonl" = ledger;
      "/var/lib/autopoietic/lineage.jsonl" = ledger;
      "/var/lib/autopoietic/mutation-promotions.jsonl" = ledger;
      "/var/lib/autopoietic/mutation-results.jsonl" = ledger;
      "/var/lib/autopoietic/mutations.jsonl" = ledger;
      "/var/lib/autopoietic/organs.jsonl" = ledger;
    };
}
