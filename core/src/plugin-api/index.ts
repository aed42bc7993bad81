/**
 * The public plugin API of advbench: the only module a plugin imports from `@advbench/core`.
 * Types, `defineDefense` / `defineAttack`, the options reader and coded errors. No core internals.
 * @packageDocumentation
 */
export * from './attack-types.js';
export * from './cached-training-cost.js';
export * from './context-types.js';
export * from './defense-types.js';
export * from './eot-draw-groups.js';
export * from './errors.js';
export * from './options-reader.js';
export * from './plugin-types.js';
export * from './learning-rate-schedule.js';
export * from './random-types.js';
export * from './tensor-types.js';
