#!/usr/bin/env node
// Thin launcher. `pnpm build` compiles dist/ and bundles it into dist/bundle/<id>/ (a few files to
// load instead of ~230 modules; see scripts/bundle.ts). The bundle runs unless tsc has rebuilt a
// package it was made from since (a recorded build-info file changed): then, or without a bundle,
// dist/ runs as compiled.
import { readFileSync, statSync } from 'node:fs';

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

const bundle = currentBundle();
// The bundle is minified: stack traces (shown with AUTOPOIETIC_DEBUG=1) go through its source maps.
if (bundle && process.env.AUTOPOIETIC_DEBUG) process.setSourceMapsEnabled(true);
await import(bundle ? `../dist/bundle/${bundle}/bin.js` : '../dist/bin.js');
