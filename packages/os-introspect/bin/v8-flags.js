// The V8 flags the os-introspect launcher sets, by V8 version (CommonJS, like the launcher; apart
// from it so that the tests can ask which runtime gets which).

/**
 * Flags for the V8 that `v8Version` (process.versions.v8) names. A flag this V8 does not know
 * would not be ignored quietly: V8 prints "Error: unrecognized flag" on stderr, at every run.
 * @param {string} v8Version
 * @returns {string[]}
 */
function launcherV8Flags(v8Version) {
  // As in src/bin.ts (which the bundle does not run): a larger young generation for the tens of
  // megabytes of short-lived objects an observation allocates.
  const flags = ['--max-semi-space-size=64'];
  // A run is short and spends its JavaScript time in a few hot loops that two threads (the main
  // thread and a parse worker) each warm up: with V8's default budget its optimising compiler
  // recompiles hundreds of functions in background threads that compete with the parse threads
  // for the cores. Eight times the default budget (67584) optimises only what stays hot; a cold
  // run on a large genome costs about a tenth less (docs/performance.md). V8 has this flag up to
  // 11.3 (Node 20); from 11.8 (Node 21; Node 22 runs the Nix package and the dev shell) tiering
  // counts invocations instead, and the flag is unknown.
  const [major = 0, minor = 0] = v8Version.split('.').map(Number);
  if (major < 11 || (major === 11 && minor <= 3)) flags.push('--interrupt-budget=540672');
  return flags;
}

exports.launcherV8Flags = launcherV8Flags;
