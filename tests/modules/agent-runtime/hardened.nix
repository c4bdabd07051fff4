# The agent runs as a transient user in the memory group, with the system read-only except for
# the memory directory, home directories hidden, and restarts on failure. The memory directory
# becomes group-writable.
{
  config.autopoietic = {
    enable = true;
    agentRuntime = {
      enable = true;
      command = [
        "/run/current-system/sw/bin/sleep"
        "infinity"
      ];
    };
  };
  observe =
    { config, ... }:
    let
      service = config.systemd.services.autopoietic-agent.serviceConfig;
      memory = config.systemd.tmpfiles.settings."10-autopoietic-memory"."/var/lib/autopoietic".d;
    in
    {
      inherit (service)
        DynamicUser
        ExecStart
        NoNewPrivileges
        PrivateTmp
        ProtectHome
        ProtectSystem
        ReadWritePaths
        Restart
        SupplementaryGroups
        ;
      memoryDir = {
        inherit (memory) group mode user;
      };
      agentGroupExists = config.users.groups ? autopoietic;
      BindPaths = service.BindPaths or null;
    };
  expect.observed = {
    DynamicUser = true;
    ExecStart = ''"/run/current-system/sw/bin/sleep" "infinity"'';
    NoNewPrivileges = true;
    PrivateTmp = true;
    ProtectHome = true;
    ProtectSystem = "strict";
    ReadWritePaths = [ "/var/lib/autopoietic" ];
    Restart = "on-failure";
    SupplementaryGroups = [ "autopoietic" ];
    memoryDir = {
      group = "autopoietic";
      mode = "2770";
      user = "root";
    };
    agentGroupExists = true;
    BindPaths = null;
  };
}
