# An empty networking.hostName (a name left to DHCP) leaves the identity host blank: refused by an
# assertion naming autopoietic.identity.host and what to set, not by a type error at its default.
{
  config = {
    networking.hostName = "";
    autopoietic.enable = true;
  };
  expect.failedAssertions = [
    "autopoietic.identity.host is blank (\"\"). It defaults to networking.hostName, which is empty when the name is left to DHCP; set autopoietic.identity.host to the name this host goes by (for example \"aion\")."
  ];
}
