# A memory group of root is refused while the agent runs: the agent joins the memory group, and
# root is one of the groups NixOS reserves (ids.gids).
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
    "autopoietic.memory.group = root (which defaults to autopoietic.agentRuntime.group) is a group NixOS reserves for another purpose (ids.gids.root): the agent runtime joins the memory group, so it would gain that group's rights and every member of root could read and write the agent's memory. Set autopoietic.agentRuntime.group to a dedicated group (the default, autopoietic) and leave autopoietic.memory.group unset."
  ];
}
