# vm-mutation-gate: a mutate-draft host holding a small git genome (examples/genome: an
# input-free flake with a good, a failing and a hostile proposal). In the VM, P1 verify accepts
# the good proposal and rejects the failing check and two hostile patches (a symlink and a ../
# path); nothing is written outside the candidate, the live genome stays byte-identical, every
# outcome is journaled, and every ledger verifies. The agent runtime runs sandboxed beside it.
{ autopoieticModule }:
let
  genome = ../../examples/genome;
  dotdotEscape = ./fixtures/dotdot-escape;
in
{
  name = "vm-mutation-gate";

  nodes.machine =
    {
      config,
      lib,
      pkgs,
      ...
    }:
    let
      # Tries to write where only the sandbox stops it, then appends one record as the agent (so
      # the record, which the test waits for, comes after every attempt).
      agentSmoke = pkgs.writeShellScript "autopoietic-agent-smoke" ''
        for target in /srv/agent-probe/escaped /home/agent-probe/escaped /tmp/agent-escaped; do
          touch "$target" 2> /dev/null || true
        done
        ${config.autopoietic.package}/bin/mutation-journal append \
          --goal "agent runtime smoke" --phase P0-agent --reason "appended by the sandboxed agent"
        exec sleep infinity
      '';
    in
    {
      imports = [ autopoieticModule ];

      autopoietic = {
        enable = true;
        mutationRunner.mode = "mutate-draft";
        agentRuntime = {
          enable = true;
          command = [ "${agentSmoke}" ];
        };
      };

      # Directories any user may write to: only ProtectSystem=strict (/srv) and ProtectHome (/home)
      # keep the agent out of them, and PrivateTmp keeps its /tmp from the host's. A target the
      # agent could not write to as a plain user anyway (/etc, /root) would prove nothing.
      systemd.tmpfiles.rules = [
        "d /srv/agent-probe 1777 root root -"
        "d /home/agent-probe 1777 root root -"
      ];

      environment.systemPackages = [
        pkgs.git
        pkgs.jq
      ];
      # The genome's checks build offline: no substituters, no flake registry.
      nix.settings = {
        experimental-features = [
          "nix-command"
          "flakes"
        ];
        substituters = lib.mkForce [ ];
        flake-registry = "";
      };
      virtualisation.memorySize = 2048;
    };

  testScript =
    { nodes, ... }:
    ''
      import difflib
      import json
      import re

      LEDGERS = json.loads('${builtins.toJSON nodes.machine.autopoietic.memory.ledgers}')
      MEMORY = "${nodes.machine.autopoietic.memory.dir}"
      GENOME = "/root/genome"
      PENDING = f"{GENOME}/mutations/pending"


      def verify(proposal, expected_status, expected_exit):
          status, out = machine.execute(
              f"mutation-runner verify --root {GENOME} --proposal {proposal} 2> /tmp/verify.err"
          )
          err = machine.succeed("cat /tmp/verify.err")
          record = json.loads(out)
          assert (status, record["status"]) == (expected_exit, expected_status), (
              f"{proposal}: expected {expected_status} (exit {expected_exit}),"
              f" got {record['status']} (exit {status}); stderr: {err}"
          )
          return record


      def genome_manifest():
          """HEAD, git's view of the tree, and every path with its type, mode, size and hash."""
          return machine.succeed(
              f"cd {GENOME} && git rev-parse HEAD && git status --porcelain=v1 --ignored"
              " && find . -path ./.git -prune -o -printf '%y %m %s %p %l\n' | sort"
              " && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum"
          )


      machine.wait_for_unit("multi-user.target")

      with subtest("a small git genome with an input-free flake"):
          machine.succeed(f"cp -r --no-preserve=mode ${genome} {GENOME}")
          machine.succeed(
              f"cd {GENOME} && git init -q -b main && git add -A"
              " && git -c user.name=vm -c user.email=vm@example.invalid commit -q -m genome"
          )
          before = genome_manifest()

      with subtest("a good proposal is verified"):
          verify(f"{PENDING}/mut-example-motd/proposal.json", "verified", 0)

      with subtest("a proposal whose check fails is rejected"):
          verify(f"{PENDING}/mut-example-mode-live/proposal.json", "rejected", 1)

      with subtest("hostile patches are rejected and write nothing outside the candidate"):
          verify(f"{PENDING}/mut-example-symlink-escape/proposal.json", "rejected", 1)
          machine.succeed("cp -r --no-preserve=mode ${dotdotEscape} /root/dotdot-escape")
          verify("/root/dotdot-escape/proposal.json", "rejected", 1)
          escaped = machine.succeed(
              "find / -xdev \\( -name escaped-from-genome.txt -o -name escaped-dotdot.txt \\)"
              " -print"
          )
          assert escaped.strip() == "", f"files written outside the candidate: {escaped}"

      with subtest("the live genome is byte-identical"):
          after = genome_manifest()
          lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
          diff = "\n".join(lines)
          assert after == before, f"the live genome changed during verification:\n{diff}"

      with subtest("every outcome is journaled and every ledger verifies"):
          statuses = json.loads(
              machine.succeed(f"jq -s -c 'map(.status)' {MEMORY}/mutation-results.jsonl")
          )
          expected = ["verified", "rejected", "rejected", "rejected"]
          assert statuses == expected, f"mutation-results: expected {expected}, got {statuses}"
          for ledger in LEDGERS:
              report = json.loads(
                  machine.succeed(f"mutation-journal ledger verify --path {MEMORY}/{ledger}")
              )
              assert report["status"] == "ok", f"{ledger}: expected status ok, got {report}"
          summary = json.loads(machine.succeed("mutation-journal ledger verify"))
          assert (summary["memory_dir"], summary["status"]) == (MEMORY, "ok"), f"got {summary}"

      with subtest("promote is refused in mutate-draft, before any work"):
          status, out = machine.execute(
              f"mutation-runner promote --root {GENOME} --parent-genome git:HEAD"
              f" --proposal {PENDING}/mut-example-motd/proposal.json 2>&1"
          )
          assert status == 1, f"expected exit 1 (mode refused), got {status}: {out}"
          assert "mode-forbidden" in out, f"expected a mode-forbidden error, got: {out}"

      with subtest("the agent runtime is sandboxed: not root, writes only the memory"):
          machine.wait_for_unit("autopoietic-agent.service")
          pid = machine.succeed("systemctl show -p MainPID --value autopoietic-agent").strip()
          user = machine.succeed(f"ps -o user= -p {pid}").strip()
          assert user != "root", "the agent runs as root"
          machine.wait_until_succeeds(f"test -s {MEMORY}/mutations.jsonl")
          goals = json.loads(machine.succeed(f"jq -s -c 'map(.goal)' {MEMORY}/mutations.jsonl"))
          assert goals == ["agent runtime smoke"], f"expected the agent's one record, got {goals}"
          for target in [
              "/srv/agent-probe/escaped",
              "/home/agent-probe/escaped",
              "/tmp/agent-escaped",
          ]:
              machine.fail(f"test -e {target}")
          # Control: without the sandbox, a user with no special rights writes to both probes.
          machine.succeed(
              "runuser -u nobody -- touch /srv/agent-probe/control /home/agent-probe/control"
          )
          summary = machine.succeed(
              "systemd-analyze security autopoietic-agent.service | tail -n 1"
          )
          match = re.search(r"([0-9]+\.[0-9]+)", summary)
          assert match is not None, f"no exposure level in: {summary}"
          exposure = float(match.group(1))
          assert exposure < 5.0, f"agent exposure {exposure} is 5.0 or more: {summary}"
    '';
}
