# Shared pieces of the VM checks: the two ISOs and the QEMU command lines that boot them.
{
  pkgs,
  nixpkgs,
  autopoieticModule,
  isoConfig,
}:
let
  inherit (pkgs) lib;

  # pkgs.callPackage supplies whichever arguments this revision's qemu-common.nix takes.
  qemu-common = pkgs.callPackage "${nixpkgs}/nixos/lib/qemu-common.nix" { };

  # image.fileName names the ISO since the image framework; isoImage.isoName did before.
  isoFile =
    config:
    let
      name = config.image.fileName or config.isoImage.isoName;
    in
    "${config.system.build.isoImage}/iso/${name}";

  # The same host configuration as the production ISO, plus the test driver's backdoor, jq for the
  # assertions and the example genome for the refused-verify check (ADR 0012: detailed checks run
  # here, the artifact itself only gets a black-box boot).
  testIsoConfig =
    (nixpkgs.lib.nixosSystem {
      modules = [
        "${nixpkgs}/nixos/modules/installer/cd-dvd/installation-cd-minimal.nix"
        "${nixpkgs}/nixos/modules/testing/test-instrumentation.nix"
        autopoieticModule
        ../../hosts/iso/configuration.nix
        {
          environment.systemPackages = [ pkgs.jq ];
          environment.etc."autopoietic-test/genome".source = ../../examples/genome;
        }
      ];
    }).config;
in
{
  testIso = isoFile testIsoConfig;
  inherit (testIsoConfig.autopoietic.memory) ledgers;
  productionIso = isoFile isoConfig;

  startCommand =
    {
      iso,
      uefi ? false,
    }:
    lib.concatStringsSep " " (
      [
        (qemu-common.qemuBinary pkgs.qemu_test)
        "-m 2048"
        "-netdev user,id=net0"
        "-device virtio-net-pci,netdev=net0"
        "-cdrom ${iso}"
      ]
      ++ lib.optionals uefi [
        "-drive if=pflash,format=raw,unit=0,readonly=on,file=${pkgs.OVMF.firmware}"
        "-drive if=pflash,format=raw,unit=1,readonly=on,file=${pkgs.OVMF.variables}"
      ]
    );
}
