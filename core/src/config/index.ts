export * from './hash-run-spec.js';
export * from './load-run-spec.js';
export * from './parse-epsilon.js';
export * from './presets.js';
export * from './run-spec.js';
export * from './validate-config.js';
