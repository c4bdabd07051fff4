# A memory group of root is refused while the agent runs: the agent joins the memory group.
{
  config.autopoietic = {
    enable = true;
    memory.group = "root";
    agentRuntime = {
      enable = true;
      command = [
        "/run/current-system/sw/bin/sleep"
        "infinity"
      ];
    };
  };
  expect.failedAssertions = [
    "autopoietic.memory.group = root would put the agent runtime in group root; leave it unset (it then becomes autopoietic.agentRuntime.group) or name a dedicated group."
  ];
}
