export * from './host-policy.js';
export * from './host-policy-check.js';
export * from './host-policy-file.js';
export * from './policy-trust.js';
