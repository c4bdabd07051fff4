# The default policy is observe-only and points the tools at the default memory directory.
{
  config.autopoietic.enable = true;
  expect.etc = {
    "mutation-runner.json" = ./defaults.json;
  };
}
