#!/usr/bin/env bash
# Regenerates the patch.diff of the example genome's three pending proposals from the current
# examples/genome, so that they apply again after an edit to a file they touch. Each patch is
# `git diff` output of the intended change on a scratch copy; tests/example-genome.e2e.test.ts
# checks that each one still has the outcome its README promises.
set -euo pipefail
cd "$(dirname "$0")/../../examples/genome"
genome=$PWD
pending=$genome/mutations/pending
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

g() { git -C "$work/g" -c user.name=example -c user.email=example@autopoietic.invalid -c commit.gpgsign=false "$@"; }
cp -r "$genome" "$work/g"
rm -rf "$work/g/mutations"
g init -q -b main
g add -A
g commit -q -m base

# mut-example-motd: a new module, imported, and set on the seed host.
cat > "$work/g/modules/motd.nix" <<'EOF'
# The message of the day: one line shown at login, written to /etc/motd.
{
  config,
  lib,
  ...
}:
let
  inherit (lib) mkOption types;
  cfg = config.autopoietic.motd;
in
{
  options.autopoietic.motd.text = mkOption {
    type = types.str;
    default = "";
    description = "Message shown at login; empty means no /etc/motd.";
  };

  config.system.etc = if cfg.text == "" then { } else { motd = cfg.text; };
}
EOF
sed -i 's|^    ./mutation-runner.nix$|    ./mutation-runner.nix\n    ./motd.nix|' "$work/g/modules/default.nix"
sed -i 's|^  autopoietic.mutationRunner.mode = "mutate-vm";$|  autopoietic.mutationRunner.mode = "mutate-vm";\n\n  autopoietic.motd.text = "seed-01: every change to this host passed verify, promote and install.";|' \
  "$work/g/hosts/seed/configuration.nix"
g add -A
g diff --cached > "$pending/mut-example-motd/patch.diff"
g reset -q --hard
g clean -qfd

# mut-example-mode-live: raise the mode above the genome's ceiling.
sed -i 's|mode = "mutate-vm";|mode = "mutate-live";|' "$work/g/hosts/seed/configuration.nix"
g diff > "$pending/mut-example-mode-live/patch.diff"
g checkout -q .

# mut-example-symlink-escape: a symlink out of the genome, then a file written through it.
ln -s ../../.. "$work/g/hosts/seed/outside"
g add hosts/seed/outside
{
  g diff --cached
  printf 'written outside the genome through a symlink\n' > "$work/escaped.txt"
  blob=$(git hash-object "$work/escaped.txt")
  cat <<EOF
diff --git a/hosts/seed/outside/escaped-from-genome.txt b/hosts/seed/outside/escaped-from-genome.txt
new file mode 100644
index 0000000..${blob:0:7}
--- /dev/null
+++ b/hosts/seed/outside/escaped-from-genome.txt
@@ -0,0 +1 @@
+written outside the genome through a symlink
EOF
} > "$pending/mut-example-symlink-escape/patch.diff"
echo "regenerated:" $(ls "$pending") >&2
