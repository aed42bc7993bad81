/**
 * `correct / samples` with its 95% Wilson score interval: core's estimate, the one the results store records for
 * every cell; the report uses it for derived numbers (the worst case over attacks and surfaces).
 */
export { estimateAccuracy as wilsonEstimate } from '@advbench/core/accuracy';
