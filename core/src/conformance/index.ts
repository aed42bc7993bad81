/**
 * The plugin conformance check behind `advbench check-plugin`, also exported by `@advbench/core/testkit`.
 * @packageDocumentation
 */
export { checkPlugin, checkPluginReference } from './check-plugin.js';
export { formatCheckReport } from './format-check-report.js';
export type { CheckPluginOptions, CheckResult, CheckStatus, ConformanceReport } from './check-types.js';
