# The six ISO checks (inventory 5.4, adapted to our tools). Four boot the test ISO (the ISO host
# plus the test driver's backdoor and jq) and assert from inside; the two production checks boot
# the real artifact and only watch its serial console reach the multi-user target.
{
  pkgs,
  vmLib,
}:
let
  inherit (vmLib) startCommand testIso productionIso;

  # Python shared by the instrumented checks. LEDGERS comes from the memory module itself.
  prelude = ''
    import json

    LEDGERS = json.loads('${builtins.toJSON vmLib.ledgers}')
    MEMORY = "/var/lib/autopoietic"


    def json_field(machine, path, jq_filter, expected):
        """Compares one jq projection of a JSON file with the expected value."""
        actual = json.loads(machine.succeed(f"jq -c '{jq_filter}' {path}"))
        assert actual == expected, f"{path} {jq_filter}: expected {expected!r}, got {actual!r}"


    def line_count(machine, path):
        return int(machine.succeed(f"wc -l < {path}").strip())
  '';

  instrumented =
    name:
    {
      uefi ? false,
    }:
    script:
    let
      command = startCommand {
        iso = testIso;
        inherit uefi;
      };
    in
    pkgs.testers.runNixOSTest {
      inherit name;
      nodes = { };
      testScript = ''
        ${prelude}
        machine = create_machine("${command}")
        machine.start()
        machine.wait_for_unit("multi-user.target")
        ${script}
        machine.shutdown()
      '';
    };

  # Black box (ADR 0012): the artifact has no backdoor, so the serial console is the only oracle.
  # Under UEFI the check first waits for the line OVMF prints when it hands over to the DVD's EFI
  # loader (`BdsDxe: starting Boot0001 "UEFI QEMU DVD-ROM ..." from ...`), which SeaBIOS never
  # prints, so it fails unless UEFI firmware booted the ISO's EFI path.
  # wait_for_console_text gets no timeout: with one it takes at most one console line off its
  # queue per second (it retries a non-blocking get), so a boot that prints more lines before the
  # target than the timeout has seconds fails however fast it is. Without one it reads the lines
  # as they come, and globalTimeout bounds the test.
  production =
    name:
    {
      uefi ? false,
    }:
    let
      command = startCommand {
        iso = productionIso;
        inherit uefi;
      };
      firmwareHandover = pkgs.lib.optionalString uefi ''
        machine.wait_for_console_text(r'BdsDxe: starting Boot[0-9A-Fa-f]{4} "UEFI QEMU DVD-ROM')
      '';
    in
    pkgs.testers.runNixOSTest {
      inherit name;
      nodes = { };
      globalTimeout = 1800;
      testScript = ''
        machine = create_machine("${command}")
        machine.start()
        ${firmwareHandover}
        machine.wait_for_console_text(r"Reached target.*Multi-User System")
        machine.crash()
      '';
    };
in
{
  iso-boot-basic = instrumented "iso-boot-basic" { } ''
    with subtest("booted through the BIOS (isolinux), not EFI firmware"):
        machine.fail("test -d /sys/firmware/efi")

    with subtest("identity.json names the ISO host and its roles, in order"):
        machine.succeed("test -f /etc/autopoietic/identity.json")
        json_field(machine, "/etc/autopoietic/identity.json", ".host", "autopoietic-iso")
        json_field(
            machine,
            "/etc/autopoietic/identity.json",
            ".roles",
            ["installer", "live", "observe-only"],
        )
  '';

  iso-observe-only = instrumented "iso-observe-only" { } ''
    with subtest("observation.json: the installer's project roots, no shell history"):
        json_field(
            machine,
            "/etc/autopoietic/observation.json",
            ".",
            {
                "project_roots": ["/etc/nixos", "/mnt/etc/nixos"],
                "include_shell_history_by_default": False,
            },
        )

    with subtest("mutation-runner.json: observe-only, memory in /var/lib/autopoietic"):
        json_field(
            machine,
            "/etc/autopoietic/mutation-runner.json",
            ".",
            {"mode": "observe-only", "memory_dir": MEMORY},
        )

    with subtest("memory: root:root 0750, its subdirectories, and empty ledgers"):
        owner = machine.succeed(f"stat -c %U:%G:%a {MEMORY}").strip()
        assert owner == "root:root:750", f"{MEMORY}: expected root:root:750, got {owner}"
        for sub in ["logs", "evidence", "cache"]:
            machine.succeed(f"test -d {MEMORY}/{sub}")
        for ledger in LEDGERS:
            size = machine.succeed(f"stat -c %s {MEMORY}/{ledger}").strip()
            assert size == "0", f"{MEMORY}/{ledger}: expected an empty ledger, got {size} bytes"

    with subtest("no agent runtime unless enabled"):
        machine.fail("systemctl cat autopoietic-agent.service")
  '';

  iso-tools = instrumented "iso-tools" { } ''
    with subtest("the three CLIs are on PATH"):
        for cli in ["os-introspect", "mutation-journal", "mutation-runner"]:
            machine.succeed(f"command -v {cli}")

    with subtest("os-introspect observes the live system"):
        machine.succeed("os-introspect --root /etc --output /tmp/self-state.json")
        machine.succeed("test -s /tmp/self-state.json")
        state = "/tmp/self-state.json"
        json_field(machine, state, ".schema_version", "0.1.0")
        json_field(machine, state, ".identity.host", "autopoietic-iso")
        json_field(machine, state, ".identity.roles", ["installer", "live", "observe-only"])
        json_field(machine, state, ".genome.has_flake", False)
        json_field(machine, state, ".body.systemd.available", True)
        # The memory directory comes from the host policy, not from --root, and its ledgers
        # are all there and valid.
        json_field(machine, state, "[.memory.root, .memory.source]", [MEMORY, "host-policy"])
        json_field(
            machine,
            state,
            "[.memory.ledgers[] | select(.exists and .status == \"ok\") | .path] | sort",
            sorted(f"{MEMORY}/{ledger}" for ledger in LEDGERS),
        )

    with subtest("mutation-journal appends to the host's memory by default"):
        machine.succeed(
            "mutation-journal append --goal 'iso boot smoke' --status accepted"
            " --phase P0-smoke --reason 'the ISO booted'"
            " --changed-path /etc/autopoietic/identity.json"
        )
        ledger = f"{MEMORY}/mutations.jsonl"
        count = line_count(machine, ledger)
        assert count == 1, f"{ledger}: expected 1 line after one append, got {count}"
        json_field(
            machine,
            ledger,
            "[.goal, .status, .phase]",
            ["iso boot smoke", "accepted", "P0-smoke"],
        )

    with subtest("malformed --metadata is refused with a usage error and appends nothing"):
        status, out = machine.execute(
            "mutation-journal append --goal x --phase P0-smoke --metadata no-equals-sign 2>&1"
        )
        assert status == 2, f"expected exit 2 for malformed metadata, got {status}: {out}"
        assert "key=value" in out, f"expected the message to name key=value, got: {out}"
        count = line_count(machine, f"{MEMORY}/mutations.jsonl")
        assert count == 1, f"expected the ledger to keep 1 line, got {count}"

    with subtest("ledger verify passes on every ledger"):
        for ledger in LEDGERS:
            report = json.loads(
                machine.succeed(f"mutation-journal ledger verify --path {MEMORY}/{ledger}")
            )
            assert report["status"] == "ok", f"{ledger}: expected status ok, got {report}"
        # Without --path it verifies every ledger of the memory directory the host policy names.
        summary = json.loads(machine.succeed("mutation-journal ledger verify"))
        assert (summary["memory_dir"], summary["status"]) == (MEMORY, "ok"), f"got {summary}"

    with subtest("mutation-runner verify is refused in observe-only, before any work"):
        machine.succeed("cp -rL /etc/autopoietic-test/genome /tmp/genome")
        status, out = machine.execute(
            "mutation-runner verify --root /tmp/genome"
            " --proposal /tmp/genome/mutations/pending/mut-example-motd/proposal.json 2>&1"
        )
        assert status == 1, f"expected exit 1 (mode refused), got {status}: {out}"
        assert "mode-forbidden" in out, f"expected a mode-forbidden error, got: {out}"
        size = machine.succeed(f"stat -c %s {MEMORY}/mutation-results.jsonl").strip()
        assert size == "0", f"a refused verify must journal nothing, got {size} bytes"
  '';

  iso-uefi-boot = instrumented "iso-uefi-boot" { uefi = true; } ''
    with subtest("booted through UEFI firmware"):
        machine.succeed("test -d /sys/firmware/efi")

    with subtest("mutation-runner.json: observe-only"):
        json_field(machine, "/etc/autopoietic/mutation-runner.json", ".mode", "observe-only")
  '';

  iso-production-boot-console = production "iso-production-boot-console" { };
  iso-production-uefi-boot-console = production "iso-production-uefi-boot-console" {
    uefi = true;
  };
}
