# Placeholder hardware: enough to evaluate and build aion, and to install it on a UEFI machine
# whose disks carry the labels below. On real hardware, replace this file with the output of
# `nixos-generate-config --show-hardware-config`.
{ lib, ... }:
{
  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";

  boot.loader = {
    systemd-boot.enable = true;
    efi.canTouchEfiVariables = false;
  };

  fileSystems = {
    "/" = {
      device = "/dev/disk/by-label/nixos";
      fsType = "ext4";
    };
    "/boot" = {
      device = "/dev/disk/by-label/boot";
      fsType = "vfat";
      options = [ "umask=0077" ];
    };
  };
}
