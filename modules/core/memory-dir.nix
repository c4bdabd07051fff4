# What memory.nix requires of autopoietic.memory.dir, written with builtins only so that
# tests/memory-dir-rules.test.ts evaluates the rules with plain Nix (no nixpkgs):
#   nix-instantiate --eval --strict --json --argstr dir /run/x modules/core/memory-dir.nix
{
  dir,
  # Home directories their users own ({ alice = "/home/alice"; }): the users NixOS creates a
  # home for (users.users.<name>.createHome), root aside.
  ownedHomes ? { },
}:
let
  hasPrefix = prefix: builtins.substring 0 (builtins.stringLength prefix) dir == prefix;
  # The parts after the leading "/" ("/var/lib/x" -> [ "var" "lib" "x" ]).
  parts = builtins.tail (builtins.filter builtins.isString (builtins.split "/" dir));

  # The tmpfiles rules chmod and chown the directory they name: on /var/lib (0750 root) every
  # service whose state lives under it as another user would lose access, on /tmp the sticky bit.
  systemDirs = [
    "/"
    "/bin"
    "/boot"
    "/dev"
    "/etc"
    "/home"
    "/mnt"
    "/nix"
    "/nix/store"
    "/nix/var"
    "/opt"
    "/proc"
    "/root"
    "/run"
    "/srv"
    "/sys"
    "/tmp"
    "/usr"
    "/var"
    "/var/cache"
    "/var/empty"
    "/var/lib"
    "/var/lib/private"
    "/var/log"
    "/var/tmp"
  ];
  # Read-only or virtual file systems: nothing can be kept there.
  systemTrees = [
    "/nix/store/"
    "/proc/"
    "/sys/"
    "/dev/"
  ];
  # Emptied at every boot (/run is a tmpfs; /var/run and /var/lock lead there) or by convention
  # not kept across one (/tmp, which boot.tmp.useTmpfs or cleanOnBoot empty). tmpfiles would
  # then create fresh, empty ledgers at boot: the history would be lost without an error.
  volatileTrees = [
    "/run/"
    "/var/run/"
    "/var/lock/"
    "/tmp/"
  ];
  # What systemd's ProtectHome= covers (/home, /root, /run/user): a service sandboxed with it
  # sees the memory directory only if it is mounted back in (agent-runtime.nix).
  homeTrees = [
    "/home/"
    "/root/"
    "/run/user/"
  ];
  inHomeOf = name: dir == ownedHomes.${name} || hasPrefix "${ownedHomes.${name}}/";
in
{
  # One spelling per directory: "/var/lib/", "/var//lib" or "/var/lib/x/.." would slip past the
  # lists above, and the tools, tmpfiles and ReadWritePaths would name the directory differently.
  canonical = builtins.all (part: part != "" && part != "." && part != "..") parts;
  system = builtins.elem dir systemDirs || builtins.any hasPrefix systemTrees;
  volatile = builtins.any hasPrefix volatileTrees;
  home = builtins.any hasPrefix homeTrees;
  # The users in whose home directory the memory directory lies (or which it is). systemd-tmpfiles
  # refuses to follow a path from a directory one user owns into one root owns ("unsafe path
  # transition"), so the root-owned memory directory's subdirectories and ledgers would never be
  # created; and a rule naming the home itself would hand it to root.
  ownerOf = builtins.filter inHomeOf (builtins.attrNames ownedHomes);
}
