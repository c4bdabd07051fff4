#!/usr/bin/env node
// Thin launcher, CommonJS (bin/package.json): no ES module loader to start before the bundle.
// `pnpm build` compiles dist/ and bundles it into dist/bundle/<id>/ (one file to load, with a V8
// code cache made on first use; see packages/mutation-runner/scripts/bundle.ts). The bundle runs
// while it is current, else dist/ as compiled (../../core/bin/bundle-loader.js, shared with
// mutation-runner).
const { setFlagsFromString } = require('node:v8');
const { join } = require('node:path');

// As in src/bin.ts (which the bundle does not run): a larger young generation for the tens of
// megabytes of short-lived objects an observation allocates.
setFlagsFromString('--max-semi-space-size=64');
require('../../core/bin/bundle-loader.js').launch('os-introspect', join(__dirname, '..', 'dist'));
