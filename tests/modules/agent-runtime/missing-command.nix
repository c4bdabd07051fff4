# Enabling the agent runtime without a command is refused with a message naming the option.
{
  config.autopoietic = {
    enable = true;
    agentRuntime.enable = true;
  };
  expect.failedAssertions = [
    "autopoietic.agentRuntime.command must be set when the agent runtime is on."
  ];
}
