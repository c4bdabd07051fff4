# The installer ISO: nixpkgs' minimal installer plus the tools, observe-only. The serial console
# is the production boot oracle of the iso-production-* VM checks.
{ lib, pkgs, ... }:
{
  nixpkgs.hostPlatform = "x86_64-linux";

  networking.hostName = "autopoietic-iso";
  # The last console= is /dev/console, where systemd reports boot progress.
  boot.kernelParams = [
    "console=tty0"
    "console=ttyS0,115200n8"
  ];
  nix.settings.experimental-features = [
    "nix-command"
    "flakes"
  ];
  environment.systemPackages = [ pkgs.nano ];
  isoImage.edition = lib.mkForce "autopoietic";

  autopoietic = {
    enable = true;
    identity = {
      host = "autopoietic-iso";
      roles = [
        "installer"
        "live"
        "observe-only"
      ];
    };
    memory.dir = "/var/lib/autopoietic";
    observation.projectRoots = [
      "/etc/nixos"
      "/mnt/etc/nixos"
    ];
    mutationRunner.mode = "observe-only";
  };
}
