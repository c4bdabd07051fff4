#!/usr/bin/env bash
# Runs a command with a newer Nix first on PATH, sandboxed so that it never touches the machine's
# own Nix (Debian bookworm's 2.8). Two are known, each from a Debian suite:
#   2.26  Debian trixie's nix-bin (2.26.3)
#   2.34  Debian sid's nix-bin (2.34.x): current Nix, as GitHub's install-nix-action brings it
#
#   bash scripts/with-nix.sh 2.26 setup                 # download and unpack once (root, apt)
#   bash scripts/with-nix.sh 2.26 pnpm exec vitest run packages/core/src/adapters/nix.test.ts
#   bash scripts/with-nix.sh 2.34 nix --version          # nix (Nix) 2.34.8
#
# How (see docs/nix.md, "Which Nix versions are tested"):
#   * The suite's .debs of nix-bin and every library it links are fetched with apt-get download
#     through a private APT state (nothing under /etc/apt or /var/lib/apt changes) and unpacked
#     with dpkg -x under /opt/nix<version>. Nothing is installed; /usr is not touched.
#   * Bookworm's glibc is too old for them, so the nix binary is patched (the suite's patchelf,
#     run through the suite's loader) to use that loader and library directory (DT_RPATH, which
#     also serves the libraries' own dependencies). Running it as `ld-linux.so nix` instead is not
#     enough: Nix starts its build hook as /proc/self/exe (the loader, then) `__build-remote`,
#     which fails every build. Nothing else is touched: git and builders keep the host's libraries.
#   * The wrappers in /opt/nix<version>/wrap set the private store and config, then exec the tool
#     (nix-instantiate, nix-store, ... are links to the one nix binary, which reads its name).
#   * Each Nix gets its own store: a chroot store rooted at /opt/nix<version>-store (store paths
#     still read /nix/store/..., the files live under that root) with its own database, so it
#     never opens /nix/var/nix/db, whose schema it could upgrade under Nix 2.8. Its config,
#     caches and state are private too (NIX_CONF_DIR, NIX_CACHE_HOME, ...).
#   * A chroot store builds in Nix's sandbox (it must map the store back to /nix/store). The
#     sandbox gets the host's /usr (and /bin, /lib, /lib64, which link into it here) so that
#     builders see what they see under Nix 2.8 here (sandbox = false): /bin/sh is the host's dash.
set -euo pipefail

usage() {
  echo "usage: $0 2.26|2.34 setup | $0 2.26|2.34 COMMAND [ARGS...]" >&2
  exit 2
}

NIX_VERSION=${1:-}
case "$NIX_VERSION" in
  2.26) SUITE=trixie ;;
  2.34) SUITE=sid ;;
  *) usage ;;
esac
shift
WANT_VERSION=$NIX_VERSION.
TAG=nix${NIX_VERSION/./}
PREFIX=/opt/$TAG
STORE=/opt/$TAG-store
APTDIR=/var/tmp/$TAG-apt
MIRROR=http://deb.debian.org/debian
LIBDIR=$PREFIX/usr/lib/x86_64-linux-gnu
TOOLS=(nix nix-build nix-channel nix-collect-garbage nix-copy-closure nix-env nix-hash nix-instantiate nix-prefetch-url nix-shell nix-store)

log() { printf '[with-nix %s] %s\n' "$NIX_VERSION" "$*" >&2; }
die() { log "$*"; exit 1; }

apt_opts() {
  printf '%s\n' -o "Dir::Etc::sourcelist=$APTDIR/sources.list" -o Dir::Etc::sourceparts=/nonexistent \
    -o "Dir::State::lists=$APTDIR/lists" -o "Dir::Cache=$APTDIR/cache" -o "Dir::State::status=$APTDIR/status" \
    -o APT::Install-Recommends=false -o APT::Architecture=amd64 -o Debug::NoLocking=1
}

# The .debs of nix-bin and the shared libraries it needs, resolved against an empty status file so
# that apt names the whole closure (bookworm's libraries are too old to mix in).
download_debs() {
  [ "$(uname -m)" = x86_64 ] || die "only x86_64 is supported (found $(uname -m))"
  command -v apt-get >/dev/null || die "apt-get is required (Debian or Ubuntu)"
  mkdir -p "$APTDIR/lists/partial" "$APTDIR/cache/archives/partial" "$APTDIR/debs"
  : >"$APTDIR/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR $SUITE main" >"$APTDIR/sources.list"
  mapfile -t opts < <(apt_opts)
  log "apt-get update ($SUITE, private state in $APTDIR)"
  apt-get "${opts[@]}" update -qq
  local version
  version=$(apt-cache "${opts[@]}" show nix-bin | sed -n 's/^Version: //p' | head -1)
  case "$version" in "$WANT_VERSION"*) ;; *) die "$SUITE's nix-bin is $version, not $WANT_VERSION*: name the version $SUITE has now in this script, and re-run the tests" ;; esac
  local pkgs
  pkgs=$(apt-get "${opts[@]}" install -s nix-bin patchelf | awk '/^Inst /{print $2}' |
    grep -E '^(lib|zlib1g$|nix-bin$|patchelf$)' | grep -vE 'perl|^libpam|^libsemanage|^libaudit|^libdebconf|^libdb5|^libsystemd|^libgdbm')
  log "downloading nix-bin $version and $(echo "$pkgs" | wc -l) packages"
  rm -f "$APTDIR"/debs/*.deb
  # shellcheck disable=SC2086 # one package name per word
  (cd "$APTDIR/debs" && apt-get "${opts[@]}" -qq download $pkgs)
}

write_conf() {
  # The host's tools for builders: on a merged-/usr system (Debian 12) /bin, /lib and /lib64 are
  # links into /usr, and the sandbox wants the directories they name.
  local paths=/usr d
  for d in /bin /lib /lib64; do
    if [ -L "$d" ]; then paths="$paths $d=$(readlink -f "$d")"; elif [ -d "$d" ]; then paths="$paths $d"; fi
  done
  mkdir -p "$PREFIX/etc/nix" "$STORE/nix/store" "$STORE/cache" "$STORE/config" "$STORE/state" "$STORE/data"
  cat >"$PREFIX/etc/nix/nix.conf" <<EOF
# Written by scripts/with-nix.sh: the private configuration of the sandboxed Nix $NIX_VERSION.
store = local?root=$STORE
sandbox = true
sandbox-fallback = false
sandbox-paths = $paths
experimental-features = nix-command flakes
EOF
}

write_wrappers() {
  mkdir -p "$PREFIX/wrap"
  local t
  for t in "${TOOLS[@]}"; do
    cat >"$PREFIX/wrap/$t" <<EOF
#!/bin/sh
# Written by scripts/with-nix.sh: the sandboxed Nix $NIX_VERSION, with a private store.
export NIX_CONF_DIR='$PREFIX/etc/nix' NIX_STATE_DIR='$STORE/nix/var/nix' NIX_LOG_DIR='$STORE/nix/var/log/nix'
export NIX_CACHE_HOME='$STORE/cache' NIX_CONFIG_HOME='$STORE/config' NIX_STATE_HOME='$STORE/state' NIX_DATA_HOME='$STORE/data'
# A remote store the caller names (a daemon socket, ssh) is kept: a $NIX_VERSION client never opens its
# database. Anything else is this private store, appended to NIX_CONFIG last so that no caller's
# setting can point this Nix at the shared /nix/var/nix/db.
case "\${NIX_REMOTE:-}" in
  unix://*|daemon|ssh://*|ssh-ng://*) ;;
  *) export NIX_REMOTE='local?root=$STORE' ;;
esac
export NIX_CONFIG="\${NIX_CONFIG:+\$NIX_CONFIG
}store = \$NIX_REMOTE"
exec '$PREFIX/usr/bin/$t' "\$@"
EOF
    chmod 755 "$PREFIX/wrap/$t"
  done
}

setup() {
  [ "$(id -u)" = 0 ] || die "run setup as root (it writes $PREFIX and $STORE; a chroot store needs root to build)"
  download_debs
  rm -rf "$PREFIX.new" && mkdir -p "$PREFIX.new"
  local d
  for d in "$APTDIR"/debs/*.deb; do dpkg -x "$d" "$PREFIX.new"; done
  rm -rf "$APTDIR" # the lists and .debs (some 45 MB) are fetched anew by every setup
  "$PREFIX.new/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" --library-path "$PREFIX.new/usr/lib/x86_64-linux-gnu" \
    "$PREFIX.new/usr/bin/patchelf" --set-interpreter "$LIBDIR/ld-linux-x86-64.so.2" --force-rpath --set-rpath "$LIBDIR" \
    "$PREFIX.new/usr/bin/nix"
  rm -rf "$PREFIX" && mv "$PREFIX.new" "$PREFIX"
  write_conf
  write_wrappers
  local v
  v=$("$PREFIX/wrap/nix" --version) || die "the unpacked nix does not start"
  log "ready: $v (wrappers in $PREFIX/wrap, store $STORE)"
}

if [ "${1:-}" = setup ]; then
  setup
  exit 0
fi
[ $# -gt 0 ] || usage
[ -x "$PREFIX/wrap/nix" ] || setup
export PATH="$PREFIX/wrap:$PATH"
exec "$@"
