# A memory directory that is a system directory, or lies in the Nix store, /proc, /sys or /dev, is
# refused: the tmpfiles rules would chmod /tmp to 0750, or name a directory nothing can be kept in.
{
  config.autopoietic = {
    enable = true;
    memory.dir = "/tmp";
  };
  expect.failedAssertions = [
    "autopoietic.memory.dir = /tmp is a system directory or lies in the Nix store, /proc, /sys or /dev; use a dedicated one (for example /var/lib/autopoietic)."
  ];
}
