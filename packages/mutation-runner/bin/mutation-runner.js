#!/usr/bin/env node
// Thin launcher, CommonJS (bin/package.json): no ES module loader to start before the bundle.
// `pnpm build` compiles dist/ and bundles it into dist/bundle/<id>/ (one file to load, with a V8
// code cache made on first use, instead of ~230 modules to resolve and compile; see
// scripts/bundle.ts). The bundle runs while it is current, else dist/ as compiled
// (../../core/bin/bundle-loader.js, shared with os-introspect and mutation-journal).
const { join } = require('node:path');

require('../../core/bin/bundle-loader.js').launch('mutation-runner', join(__dirname, '..', 'dist'));
