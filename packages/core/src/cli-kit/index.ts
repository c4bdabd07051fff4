export * from './errors.js';
export * from './output.js';
export * from './logger.js';
export * from './action.js';
export * from './terminal-text.js';
export * from './repeatable.js';
export * from './shell-quote.js';
export * from './directory-flags.js';
