export * from './host-policy.js';
export * from './host-policy-check.js';
export * from './host-policy-file.js';
