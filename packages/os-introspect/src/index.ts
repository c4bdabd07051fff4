// Library entry: the demo and the evolve loop observe in-process with `introspect()`.
export { introspect, observeSelf, type IntrospectOptions, type SelfObservation } from './introspect.js';
export { renderSummary } from './summary.js';
export { buildProgram, main } from './program.js';
export type { SelfState } from '@autopoietic/core/schemas';
