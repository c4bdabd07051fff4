# shellcheck shell=bash disable=SC2154 # cache, stage and the settings come from the sourcing script
# The pinned toolchain of scripts/pnpm-deps-hash-offline (sourced by it; uses its log, die, cache,
# PNPM_VERSION, SUITE, WANT_TAR and WANT_ZSTD).
#
# The fetcher's tarball is byte-exact only with nixpkgs' tar and zstd (bookworm's tar 1.34 and
# zstd 1.5.4 give other bytes), so their Debian trixie builds are fetched with apt-get download
# through a private APT state, unpacked with dpkg -x and run through trixie's own loader and
# libraries. Nothing is installed; /usr and /etc/apt are not touched.

KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
TRIXIE_DEBS=(tar zstd jq libjq1 libonig5 libc6 libacl1 libselinux1 libpcre2-8-0 liblzma5 liblz4-1 zlib1g)

# Sets bin to the directory of the wrappers pnpm, tar, zstd and jq, fetching them once into
# $cache. A failed fetch leaves only $stage, which the caller's exit trap removes.
ensure_pinned_tools() {
  local dir=$cache/tools-pnpm-$PNPM_VERSION-$SUITE
  if [ ! -f "$dir/ready" ]; then
    log "fetching the pinned tools into $dir (once; needs the npm registry and deb.debian.org):"
    log "pnpm $PNPM_VERSION from npm; ${TRIXIE_DEBS[*]} from Debian $SUITE"
    mkdir -p "$cache"
    stage=$(mktemp -d "$cache/.stage.XXXXXX")
    fetch_tools "$stage" >&2
    touch "$stage/ready"
    # Another run may have finished first: then keep its copy.
    if mv -T "$stage" "$dir" 2>/dev/null; then stage=''; fi
    [ -f "$dir/ready" ] || die "$dir exists but is not a finished tool directory (no $dir/ready)" "delete it and run again"
  fi
  bin=$dir/bin
}

fetch_tools() {
  local stage=$1 apt=$1/apt deb loader
  if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
    die "apt-get and dpkg are needed to fetch Debian $SUITE's tar and zstd" "run this on Debian or Ubuntu"
  fi
  # Ubuntu has no Debian archive key unless asked for; without it apt-get update only says NO_PUBKEY.
  [ -f "$KEYRING" ] || die "$KEYRING is missing: Debian $SUITE's archive cannot be verified" "install it: apt-get install debian-archive-keyring"
  local -a opts=(-o "Dir::Etc::sourcelist=$apt/sources.list" -o Dir::Etc::sourceparts=/nonexistent
    -o "Dir::State::lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "Dir::State::status=$apt/status"
    -o Debug::NoLocking=1 -o "APT::Sandbox::User=$(id -un)")
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$stage/debs" "$stage/root" "$stage/bin"
  : >"$apt/status"
  echo "deb [signed-by=$KEYRING] http://deb.debian.org/debian $SUITE main" \
    >"$apt/sources.list"
  apt-get "${opts[@]}" update -qq
  (cd "$stage/debs" && apt-get "${opts[@]}" -qq download "${TRIXIE_DEBS[@]}")
  for deb in "$stage"/debs/*.deb; do dpkg -x "$deb" "$stage/root"; done
  rm -rf "$apt" "$stage/debs"

  (cd "$stage" && npm pack --silent "pnpm@$PNPM_VERSION" >/dev/null && tar -xzf "pnpm-$PNPM_VERSION.tgz" &&
    mv package pnpm && rm "pnpm-$PNPM_VERSION.tgz")
  # As nixpkgs' pnpm package does (pkgs/development/tools/pnpm/generic.nix).
  rm -rf "$stage"/pnpm/dist/reflink.*node "$stage/pnpm/dist/vendor"

  loader=$(cd "$stage/root" && find usr/lib -maxdepth 2 -name 'ld-linux*.so.*' | sort | head -n 1)
  [ -n "$loader" ] || die "no ld-linux loader in Debian $SUITE's libc6 under $stage/root"
  # shellcheck disable=SC2016 # $here is the wrapper's, expanded when it runs
  write_wrapper "$stage/bin/pnpm" 'exec node "$here/pnpm/bin/pnpm.cjs" "$@"'
  local tool
  for tool in tar zstd jq; do
    write_wrapper "$stage/bin/$tool" \
      "exec \"\$here/root/$loader\" --library-path \"\$here/root/$(dirname "$loader")\" \"\$here/root/usr/bin/$tool\" \"\$@\""
  done
  check_versions "$stage/bin"
}

# A wrapper finds the tools relative to itself, so the staged directory can be renamed.
write_wrapper() {
  # shellcheck disable=SC2016 # expanded when the wrapper runs
  printf '#!/bin/sh\nhere=$(cd "$(dirname "$0")/.." && pwd)\n%s\n' "$2" >"$1"
  chmod 755 "$1"
}

check_versions() {
  local bin=$1 v
  v=$("$bin/tar" --version | head -n 1)
  [ "$v" = "$WANT_TAR" ] || die "Debian $SUITE's tar is '$v', not '$WANT_TAR'" "update WANT_TAR only after checking the hash against Nix"
  v=$("$bin/zstd" --version)
  case "$v" in *"$WANT_ZSTD"*) ;; *) die "Debian $SUITE's zstd is '$v', not $WANT_ZSTD" "update WANT_ZSTD only after checking the hash against Nix" ;; esac
  v=$("$bin/pnpm" --version)
  [ "$v" = "$PNPM_VERSION" ] || die "npm served pnpm $v for pnpm@$PNPM_VERSION"
  log "tools: pnpm $v, $("$bin/tar" --version | head -n 1), zstd $WANT_ZSTD jq $("$bin/jq" --version)"
}
