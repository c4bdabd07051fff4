export * from './fs-safe.js';
export * from './bounded-read.js';
export * from './output-file.js';
export * from './exec.js';
export * from './git.js';
export * from './nix.js';
export * from './nix-log.js';
export * from './escapees.js';
