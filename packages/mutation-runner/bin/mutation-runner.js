#!/usr/bin/env node
// Thin launcher, CommonJS (bin/package.json): no ES module loader to start before the bundle.
// `pnpm build` compiles dist/ and bundles it into dist/bundle/<id>/ (one file to load, with a V8
// code cache made on first use, instead of ~230 modules to resolve and compile; see
// scripts/bundle.ts and bundle-loader.js). The bundle runs unless tsc has rebuilt a package it
// was made from since (a recorded build-info file changed): then, or without a bundle, dist/
// runs as compiled. So does AUTOPOIETIC_DEBUG=1, with source maps, so that the stack traces it
// shows name the TypeScript sources (the bundle is minified, and Node maps no stack traces of
// vm-compiled code).
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

const dist = join(__dirname, '..', 'dist');

function currentBundle() {
  let current;
  try {
    current = JSON.parse(readFileSync(join(dist, 'bundle', 'current.json'), 'utf8'));
  } catch {
    return undefined; // not bundled
  }
  if (!/^[0-9a-f]{16}$/.test(current.bundle)) return undefined;
  const fresh = current.inputs.every(({ path, mtimeMs }) => {
    try {
      return statSync(join(dist, path)).mtimeMs === mtimeMs;
    } catch {
      return true; // an installed package ships no build-info files
    }
  });
  return fresh ? current.bundle : undefined;
}

const debug = Boolean(process.env.AUTOPOIETIC_DEBUG);
const bundle = debug ? undefined : currentBundle();
if (debug) process.setSourceMapsEnabled(true);
if (bundle) {
  require('./bundle-loader.js').runBundle(join(dist, 'bundle', bundle), bundle, process.argv);
} else {
  import('../dist/bin.js');
}
