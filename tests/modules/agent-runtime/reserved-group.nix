# An agent group of wheel is refused: it becomes the memory group, which the agent joins, so the
# agent would hold the administrators' group and every administrator could write its memory.
{
  config.autopoietic = {
    enable = true;
    agentRuntime = {
      enable = true;
      group = "wheel";
      command = [
        "/run/current-system/sw/bin/sleep"
        "infinity"
      ];
    };
  };
  expect.failedAssertions = [
    "autopoietic.memory.group = wheel (which defaults to autopoietic.agentRuntime.group) is a group NixOS reserves for another purpose (ids.gids.wheel): the agent runtime joins the memory group, so it would gain that group's rights and every member of wheel could read and write the agent's memory. Set autopoietic.agentRuntime.group to a dedicated group (the default, autopoietic) and leave autopoietic.memory.group unset."
  ];
}
