# Flake checks as plain derivations. The builder is /bin/sh and the scripts use shell builtins
# only (read, case, printf, test), because inside a Nix sandbox /bin/sh is often a minimal
# busybox with no grep, cat or mkdir. Each check writes "ok" to $out when it passes; on failure it
# prints what is wrong (which option, which value, how to fix it) and exits non-zero.
{ system }:
let
  mkCheck =
    name: env: script:
    derivation (
      {
        inherit name system;
        builder = "/bin/sh";
        args = [
          "-c"
          (prelude + script + "\nprintf 'ok\\n' > \"$out\"\n")
        ];
      }
      // env
    );

  # `field FILE KEY` prints the manifest content of KEY (a path under /etc), or nothing.
  prelude = ''
    set -eu
    fail() { printf 'check failed: %s\n' "$*" >&2; exit 1; }
    field() {
      while IFS= read -r line || [ -n "$line" ]; do
        case $line in "$2	"*) printf '%s' "''${line#*	}"; return 0 ;; esac
      done < "$1"
    }
  '';
in
{
  # Plays the VM-check role for promote: "boots" the built system by reading the manifest it
  # produced and checking that the files the tools need are there and say something real.
  smoke =
    host: toplevel:
    mkCheck "${host}-smoke" { inherit toplevel; } ''
      identity=$(field "$toplevel" autopoietic/identity.json)
      [ -n "$identity" ] || fail "the built system has no /etc/autopoietic/identity.json"
      case $identity in
        *'"host":"unknown"'*) fail "autopoietic.identity.host is unset; set it in hosts/${host}/configuration.nix" ;;
      esac
      runner=$(field "$toplevel" autopoietic/mutation-runner.json)
      case $runner in
        *'"mode":"observe-only"'* | *'"mode":"mutate-draft"'* | *'"mode":"mutate-vm"'* | *'"mode":"mutate-live"'* | *'"mode":"autopoiesis"'*) ;;
        *) fail "the built system has no valid /etc/autopoietic/mutation-runner.json (got: $runner)" ;;
      esac
      printf 'booted %s: %s\n' "${host}" "$identity"
    '';

  # The genome's own policy: a proposal must not raise the host's autonomy above mutate-vm.
  # Live mutation is the operator's decision, made outside the genome.
  modeCeiling =
    host: toplevel:
    mkCheck "${host}-mode-ceiling" { inherit toplevel; } ''
      runner=$(field "$toplevel" autopoietic/mutation-runner.json)
      case $runner in
        *'"mode":"mutate-live"'* | *'"mode":"autopoiesis"'*)
          fail "autopoietic.mutationRunner.mode in hosts/${host}/configuration.nix is above mutate-vm ($runner); this genome allows at most mutate-vm" ;;
      esac
    '';

  # Every host names itself in its source, so os-introspect and the install seeds read the
  # identity from the genome instead of falling back to the machine's hostname.
  hostsDeclareIdentity =
    hostFiles:
    mkCheck "hosts-declare-identity" { files = hostFiles; } ''
      for file in $files; do
        found=
        while IFS= read -r line || [ -n "$line" ]; do
          case $line in *'autopoietic.identity.host = "'*) found=1 ;; esac
        done < "$file"
        [ -n "$found" ] || fail "$file does not set autopoietic.identity.host"
      done
    '';
}
