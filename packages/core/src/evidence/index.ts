export * from './assemble.js';
export * from './comparisons.js';
export * from './install-bundles.js';
export * from './organ-bundles.js';
export * from './refs.js';
export * from './runner-bundles.js';
export * from './sidecar.js';
