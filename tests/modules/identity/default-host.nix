# Without autopoietic.identity.host the identity file names the host by its networking.hostName.
{
  config = {
    networking.hostName = "probe";
    autopoietic.enable = true;
  };
  expect.etc = {
    "identity.json" = ./default-host.json;
  };
}
