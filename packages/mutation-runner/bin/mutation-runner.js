#!/usr/bin/env node
// Thin launcher. `pnpm build` compiles dist/ and bundles it into dist/bundle/<id>/ (one file to
// load, with a V8 code cache made on first use, instead of ~230 modules to resolve and compile;
// see scripts/bundle.ts and bundle-loader.js). The
// bundle runs unless tsc has rebuilt a package it was made from since (a recorded build-info file
// changed): then, or without a bundle, dist/ runs as compiled. So does AUTOPOIETIC_DEBUG=1, with
// source maps, so that the stack traces it shows name the TypeScript sources (the bundle is
// minified, and Node maps no stack traces of vm-compiled code).
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/', import.meta.url);

function currentBundle() {
  let current;
  try {
    current = JSON.parse(readFileSync(new URL('bundle/current.json', dist), 'utf8'));
  } catch {
    return undefined; // not bundled
  }
  if (!/^[0-9a-f]{16}$/.test(current.bundle)) return undefined;
  const fresh = current.inputs.every(({ path, mtimeMs }) => {
    try {
      return statSync(new URL(path, dist)).mtimeMs === mtimeMs;
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
  const { runBundle } = await import('./bundle-loader.js');
  await runBundle(fileURLToPath(new URL(`bundle/${bundle}/`, dist)), bundle, process.argv);
} else {
  await import('../dist/bin.js');
}
