# The one host of the example genome. Promote targets it as `--target-configuration seed`, whose
# VM-check role is played by `checks.x86_64-linux.seed-smoke`.
{ ... }:
{
  imports = [ ../../modules ];

  system.name = "seed-system";

  autopoietic.identity.host = "seed-01";
  autopoietic.identity.roles = [
    "development"
    "research"
  ];

  autopoietic.mutationRunner.mode = "mutate-vm";
}
