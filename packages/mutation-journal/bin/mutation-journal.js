#!/bin/sh
":" //; # Run by sh first (the shebang), which then runs Node on this file: to Node, ":" is a string here.
":" //; # Node 20 (Debian's) loads the CA bundle NODE_EXTRA_CA_CERTS names as it starts, TLS or not: about
":" //; # 90 ms for a system bundle (Node 22.23 waits for a TLS use). The CLIs make no TLS connections,
":" //; # so Node starts without it; the launcher puts it back for the processes the CLI starts
":" //; # (core/bin/bundle-loader.js, restoreExtraCaCerts).
":" //; if [ -n "${NODE_EXTRA_CA_CERTS-}" ]; then export AUTOPOIETIC_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS
":" //; else unset AUTOPOIETIC_NODE_EXTRA_CA_CERTS; fi
":" //; # Under an address-space limit (ulimit -v: shared hosts, systemd's LimitAS=) V8 cannot reserve the
":" //; # ~10 GiB per WebAssembly memory that its trap-handler bounds checks need, and the Nix grammar does
":" //; # not load. --disable-wasm-trap-handler (Node >= 20.15) checks bounds inline instead: parsing is
":" //; # about 10% slower, so only then (docs/adr/0024-wasm-under-an-address-space-limit.md).
":" //; case $(ulimit -v 2>/dev/null) in unlimited | '') set -- "$0" "$@" ;; *) set -- --disable-wasm-trap-handler "$0" "$@" ;; esac
":" //; exec node "$@"
// Thin launcher, CommonJS (bin/package.json): no ES module loader to start before the bundle.
// `pnpm build` compiles dist/ and bundles it into dist/bundle/<id>/ (one file to load, with a V8
// code cache made on first use, instead of every module of dist/ to resolve and compile; see
// packages/mutation-runner/scripts/bundle.ts). The bundle runs while it is current, else dist/ as
// compiled (../../core/bin/bundle-loader.js, shared with mutation-runner and os-introspect).
const { join } = require('node:path');

require('../../core/bin/bundle-loader.js').launch('mutation-journal', join(__dirname, '..', 'dist'));
