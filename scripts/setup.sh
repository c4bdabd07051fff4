#!/usr/bin/env bash
# Sets up a checkout on a fresh Debian machine with Node 20 (as root), or inside `nix develop`,
# then runs one pnpm script: `bash scripts/setup.sh demo` or `bash scripts/setup.sh test`.
#   1. Nix: when `nix` is missing, installs Debian's nix-bin (needs root and apt); likewise, for
#      the test run only, chromium (headless, for the lineage view's browser test), zstd and jq
#      (for the pnpm-hash tests).
#   2. pnpm 10: the one on PATH when it is 10.x (nix develop), otherwise the pinned copy from
#      tools/package-lock.json (`npm ci --prefix tools`).
#   3. `pnpm install --frozen-lockfile`, then `pnpm build` (the CLIs run compiled JS).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

# The range of package.json's "engines", which is vite's (the tests run on it); it also holds
# --disable-wasm-trap-handler (docs/adr/0024-wasm-under-an-address-space-limit.md).
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a >= 23 ? 0 : 1)' 2>/dev/null; then
  log "Node.js ^20.19.0 || >=22.12.0 is required (found: $(node --version 2>/dev/null || echo none))."
  exit 1
fi

# Installs Debian packages as root with apt-get; returns 1 (after saying so) where it cannot.
# $1: what needs them; the rest: the packages.
apt_install() {
  local why=$1
  shift
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "$* not found: installing Debian's $* ($why)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    log "$* not found and cannot install it here (need root and apt-get): $why; install it yourself, or run inside 'nix develop'."
    return 1
  fi
}

if ! command -v nix >/dev/null 2>&1; then
  apt_install "every gate runs Nix" nix-bin || exit 1
fi

if [ "${1:-}" = test ]; then
  # Headless Chromium renders the lineage HTML view in its e2e test (packages/mutation-journal/test).
  if [ -z "${CHROMIUM_BIN:-}" ] && ! command -v chromium >/dev/null 2>&1; then
    apt_install "the lineage view's browser test needs it" chromium || true
  fi
  # The pnpm-hash tests (tests/pnpm-deps-hash-offline.test.ts) run the offline fetcher's steps
  # with this machine's zstd and jq.
  missing=()
  for tool in zstd jq; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt_install "the pnpm-hash tests need them" "${missing[@]}" || true
  fi
fi

if command -v pnpm >/dev/null 2>&1 && pnpm --version 2>/dev/null | grep -q '^10\.'; then
  PNPM=$(command -v pnpm)
else
  if [ ! -x tools/node_modules/.bin/pnpm ]; then
    log "installing the pinned pnpm (tools/package-lock.json)"
    npm ci --prefix tools --no-audit --no-fund --loglevel=error
  fi
  PNPM=$PWD/tools/node_modules/.bin/pnpm
fi
export PATH="$(dirname "$PNPM"):$PATH"

log "pnpm $("$PNPM" --version): installing workspace dependencies"
"$PNPM" install --frozen-lockfile --reporter=silent

if [ $# -gt 0 ]; then
  script=$1
  shift
  exec "$PNPM" run --silent "$script" "$@"
else
  "$PNPM" run --silent build
fi
