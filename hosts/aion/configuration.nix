# aion: the development and seed host. Observe-only (the default mode) until its operator raises
# autopoietic.mutationRunner.mode.
{ pkgs, ... }:
{
  imports = [ ./hardware-configuration.nix ];

  networking.hostName = "aion";
  nix.settings.experimental-features = [
    "nix-command"
    "flakes"
  ];

  autopoietic = {
    enable = true;
    identity = {
      host = "aion";
      roles = [
        "development"
        "research"
        "writing"
      ];
    };
    memory.dir = "/var/lib/autopoietic";
    observation.projectRoots = [ "/home/user/projects" ];
  };

  users.users.user = {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    packages = [ pkgs.git ];
  };

  # The Home Manager NixOS module derives home.username and home.homeDirectory from users.users.
  home-manager = {
    useGlobalPkgs = true;
    useUserPackages = true;
    users.user = ../../home/user.nix;
  };

  system.stateVersion = "25.05";
}
