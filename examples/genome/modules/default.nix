# The genome's modules. A host imports this directory and sets the options it needs.
{
  imports = [
    ./system.nix
    ./identity.nix
    ./mutation-runner.nix
  ];
}
