# A memory directory spelt with a trailing slash is refused: "/var/lib/" named /var/lib past the
# system-directory check, and its tmpfiles rule would have made /var/lib 0750 root.
{
  config.autopoietic = {
    enable = true;
    memory.dir = "/var/lib/";
  };
  expect.failedAssertions = [
    "autopoietic.memory.dir = /var/lib/ is not a normalised absolute path; write it without a trailing /, //, . or .. (for example /var/lib/autopoietic)."
  ];
}
