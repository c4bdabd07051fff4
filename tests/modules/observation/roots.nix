# Project roots are written in order; shell history stays off unless asked for.
{
  config.autopoietic = {
    enable = true;
    observation.projectRoots = [
      "/etc/nixos"
      "/mnt/etc/nixos"
    ];
  };
  expect.etc = {
    "observation.json" = ./roots.json;
  };
}
