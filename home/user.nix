# The development user's Home Manager configuration (used by hosts/aion).
{ pkgs, ... }:
{
  home.packages = [
    pkgs.ripgrep
    pkgs.fd
  ];
  programs.git.enable = true;
  home.stateVersion = "25.05";
}
