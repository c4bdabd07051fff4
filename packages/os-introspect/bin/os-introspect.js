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
// code cache made on first use; see packages/mutation-runner/scripts/bundle.ts). The bundle runs
// while it is current, else dist/ as compiled (../../core/bin/bundle-loader.js, shared with
// mutation-runner and mutation-journal).
const { setFlagsFromString } = require('node:v8');
const { join } = require('node:path');
const { launcherV8Flags } = require('./v8-flags.js');

/** Flags that end the run before it parses (startParseWorker). */
const HELP_OR_VERSION = new Set(['--help', '-h', '--version', '-V']);

for (const flag of launcherV8Flags(process.versions.v8)) setFlagsFromString(flag);
require('../../core/bin/bundle-loader.js')
  .launch('os-introspect', join(__dirname, '..', 'dist'), { beforeBundle: startParseWorker })
  // Ended here, once the command is done: everything it writes was written by then (stdout
  // synchronously; --output, the memo and the parse cache it awaits). Left to end by itself, Node
  // frees the heap (and the buffers of a large genome) piece by piece first: about 30 ms of a
  // cold run on the bench tree (docs/performance.md). A command that failed keeps its exit code.
  .then(() => process.exit());

/**
 * Starts the first parse worker while Node loads the CLI, about 50 ms before the CLI itself
 * could: a cold run then parses with it almost from its first file (a worker takes about 130 ms
 * to start). The CLI adopts it (parse-threads.ts, takeLauncherWorker) or stops it as soon as it
 * knows it will not parse. Unreferenced until adopted, so that a run that never gets that far
 * (a usage error) does not wait for it to finish its work.
 * @param {string} bundleDir
 */
function startParseWorker(bundleDir) {
  // Help and version end before the CLI would adopt it, and the process then waits for a worker
  // still starting before it exits (about 40 ms of a `--help`).
  if (process.argv.slice(2).some((a) => HELP_OR_VERSION.has(a))) return;
  const { Worker } = require('node:worker_threads');
  const script = join(bundleDir, 'parse-worker.cjs');
  // The limits of parse-threads.ts's workers (it adopts only a worker started with them).
  const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 48 } });
  worker.unref();
  worker.on('error', () => undefined); // until adopted: the CLI listens from then on
  globalThis[Symbol.for('autopoietic.os-introspect.parse-worker')] = { script, worker };
}
