# The agent runtime with its memory directory under /home (memory-dir.nix allows it). With
# ProtectHome=yes systemd hid /home and dropped the memory directory's ReadWritePaths= entry, so
# the agent could not reach its ledgers; now /home is an empty read-only tmpfs for the agent, into
# which the memory directory is bound (ProtectHome=tmpfs plus BindPaths=). The agent appends to
# its memory, sees nothing else of /home, and cannot write there.
{ autopoieticModule }:
{
  name = "vm-agent-home-memory";

  nodes.machine =
    {
      config,
      pkgs,
      ...
    }:
    let
      # Reports what it sees of /home in the record it appends, after trying to write beside its
      # memory (so the record, which the test waits for, comes after every attempt). It looks
      # first: a write that only reached its own tmpfs (some systemd releases mounted it
      # writable) is no escape, and the host-side checks below catch any that is.
      agentSmoke = pkgs.writeShellScript "autopoietic-agent-home-smoke" ''
        view=$(ls -A /home | paste -sd, -)
        for target in /home/agent-probe/escaped /home/escaped; do
          touch "$target" 2> /dev/null || true
        done
        ${config.autopoietic.package}/bin/mutation-journal append \
          --goal "agent runtime home smoke" --phase P0-agent --reason "home: $view"
        exec sleep infinity
      '';
    in
    {
      imports = [ autopoieticModule ];

      autopoietic = {
        enable = true;
        memory.dir = "/home/autopoietic";
        agentRuntime = {
          enable = true;
          command = [ "${agentSmoke}" ];
        };
      };

      # A directory any user may write to and a file any user may read, beside the memory: only
      # the sandbox keeps the agent from them.
      systemd.tmpfiles.rules = [
        "d /home/agent-probe 1777 root root -"
        "f /home/agent-probe/visible 0644 root root - visible"
      ];

      environment.systemPackages = [ pkgs.jq ];
    };

  testScript =
    { nodes, ... }:
    ''
      import json

      MEMORY = "${nodes.machine.autopoietic.memory.dir}"

      machine.wait_for_unit("multi-user.target")

      with subtest("the agent appends to its memory under /home and sees nothing else there"):
          machine.wait_for_unit("autopoietic-agent.service")
          machine.wait_until_succeeds(f"test -s {MEMORY}/mutations.jsonl")
          records = json.loads(
              machine.succeed(f"jq -s -c 'map({{goal, reason}})' {MEMORY}/mutations.jsonl")
          )
          assert records == [
              {"goal": "agent runtime home smoke", "reason": "home: autopoietic"}
          ], f"expected the agent's one record, seeing only its memory in /home, got {records}"
          for target in ["/home/agent-probe/escaped", "/home/escaped"]:
              machine.fail(f"test -e {target}")
          summary = json.loads(machine.succeed("mutation-journal ledger verify"))
          assert (summary["memory_dir"], summary["status"]) == (MEMORY, "ok"), f"got {summary}"

      with subtest("control: without the sandbox, a plain user sees and writes the probe"):
          machine.succeed(
              "runuser -u nobody -- cat /home/agent-probe/visible",
              "runuser -u nobody -- touch /home/agent-probe/control",
          )
    '';
}
