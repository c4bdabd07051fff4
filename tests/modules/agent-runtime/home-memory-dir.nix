# A memory directory under /home stays reachable: ProtectHome=yes would hide it (systemd drops a
# ReadWritePaths= entry below an inaccessible path), so the service mounts an empty, read-only
# tmpfs on /home, /root and /run/user and binds the memory directory back into it.
{
  config.autopoietic = {
    enable = true;
    memory.dir = "/home/autopoietic";
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
    in
    {
      inherit (service) BindPaths ProtectHome ProtectSystem;
      ReadWritePaths = service.ReadWritePaths or null;
    };
  expect.observed = {
    BindPaths = [ "/home/autopoietic" ];
    ProtectHome = "tmpfs";
    ProtectSystem = "strict";
    ReadWritePaths = null;
  };
}
