// Barrel for convenience. CLIs import the subpaths (`@autopoietic/core/ledger`, ...) so that
// start-up only loads what a command needs.
export * from './cli-kit/index.js';
export * from './canonical/index.js';
export * from './schemas/index.js';
