/**
 * @advbench/core: the programmatic API (config, registry, events, result types). Plugins import
 * `@advbench/core/plugin-api` instead, which holds only the plugin contract.
 * @packageDocumentation
 */
export * from './config/index.js';
export * from './events/event-bus.js';
export * from './events/event-types.js';
export * from './plugins/plugin-registry.js';
export * from './plugins/plugin-options.js';
export * from './random/seeded-random.js';
export * from './store/result-types.js';
export type * from './plugin-api/index.js';
export { AdvbenchError, inputError, isAdvbenchError, EXIT_BAD_INPUT, EXIT_FAILURE } from './plugin-api/index.js';
export type { ReportsModule, LiveServerHandle, RunReportersOptions, RunReporters } from './cli/load-reports.js';
export { executeRun } from './run/execute-run.js';
export { createPluginContext } from './run/plugin-context.js';
export * from './run/stages/index.js';
export { loadRunResults } from './store/results-json.js';
export { openStore } from './store/result-store.js';
export { estimateAccuracy, wilsonInterval } from './training/accuracy.js';
export * from './analysis/index.js';
