# A host of only white space is as blank as an empty one (the former type, nonEmptyStr, refused
# both): refused with the same message.
{
  config = {
    networking.hostName = "probe";
    autopoietic = {
      enable = true;
      identity.host = "  ";
    };
  };
  expect.failedAssertions = [
    "autopoietic.identity.host is blank (\"  \"). It defaults to networking.hostName, which is empty when the name is left to DHCP; set autopoietic.identity.host to the name this host goes by (for example \"aion\")."
  ];
}
