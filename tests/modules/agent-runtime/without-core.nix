# The agent runtime enabled without the core is refused: its service, group and memory directory
# come with autopoietic.enable, so on its own it silently did nothing.
{
  config.autopoietic.agentRuntime = {
    enable = true;
    command = [
      "/run/current-system/sw/bin/sleep"
      "infinity"
    ];
  };
  expect.failedAssertions = [
    "autopoietic.agentRuntime.enable needs autopoietic.enable = true as well."
  ];
}
