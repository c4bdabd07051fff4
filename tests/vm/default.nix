# The VM checks (x86_64-linux, need KVM): one sorted list, each scenario a NixOS test run with
# pkgs.testers.runNixOSTest. Shared pieces are in ./lib.nix.
{
  pkgs,
  nixpkgs,
  autopoieticModule,
  isoConfig,
}:
let
  vmLib = import ./lib.nix {
    inherit
      pkgs
      nixpkgs
      autopoieticModule
      isoConfig
      ;
  };
  iso = import ./iso.nix { inherit pkgs vmLib; };
  mutationGate = import ./vm-mutation-gate.nix { inherit autopoieticModule; };
  agentHomeMemory = import ./vm-agent-home-memory.nix { inherit autopoieticModule; };
in
{
  inherit (iso)
    iso-boot-basic
    iso-observe-only
    iso-production-boot-console
    iso-production-uefi-boot-console
    iso-tools
    iso-uefi-boot
    ;
  # The reference name for the basic boot check.
  iso-boot = iso.iso-boot-basic;
  vm-agent-home-memory = pkgs.testers.runNixOSTest agentHomeMemory;
  vm-mutation-gate = pkgs.testers.runNixOSTest mutationGate;
}
