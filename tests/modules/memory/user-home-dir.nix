# A memory directory inside a user's own home directory is refused: systemd-tmpfiles will not
# follow the path from alice's directory into the root-owned memory directory, so its
# subdirectories and ledgers would never be created. Directly under /home (root's) is fine.
{
  config = {
    users.users.alice.isNormalUser = true;
    autopoietic = {
      enable = true;
      memory.dir = "/home/alice/autopoietic";
    };
  };
  expect.failedAssertions = [
    "autopoietic.memory.dir = /home/alice/autopoietic lies in the home directory of alice (/home/alice), which alice owns: systemd-tmpfiles refuses to create root-owned directories below it (\"unsafe path transition\"), so the host would get no ledgers. Use a directory whose parents root owns (for example /home/autopoietic or /var/lib/autopoietic)."
  ];
}
