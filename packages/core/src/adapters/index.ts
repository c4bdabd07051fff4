export * from './fs-safe.js';
