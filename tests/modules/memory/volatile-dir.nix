# A memory directory under /run (a tmpfs) or /tmp is refused: a reboot empties it, and tmpfiles
# would then recreate the ledgers empty, losing the history without an error.
{
  config.autopoietic = {
    enable = true;
    memory.dir = "/run/autopoietic";
  };
  expect.failedAssertions = [
    "autopoietic.memory.dir = /run/autopoietic lies in /run, /var/run, /var/lock or /tmp, which a reboot empties: the ledgers would be lost and recreated empty. Use a persistent directory (for example /var/lib/autopoietic)."
  ];
}
