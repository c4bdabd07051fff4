# A memory group that no module declares is refused at evaluation: systemd-tmpfiles would only log
# that it cannot resolve the group and skip the rules, leaving no memory directory.
{
  config.autopoietic = {
    enable = true;
    memory.group = "ledger-writers";
  };
  expect.failedAssertions = [
    "autopoietic.memory.group = ledger-writers is not a declared group; declare it (users.groups.ledger-writers = { }) or enable autopoietic.agentRuntime, which declares its own."
  ];
}
