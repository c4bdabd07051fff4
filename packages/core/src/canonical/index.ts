export * from './canonical-json.js';
export * from './digest.js';
export * from './fingerprint.js';
export * from './ids.js';
export * from './time.js';
export * from './duplicate-keys.js';
export * from './order.js';
