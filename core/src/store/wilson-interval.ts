import type { AccuracyEstimate } from './result-types.js';

/** z for a two-sided 95% interval. */
const Z_95 = 1.959963984540054;

/**
 * The accuracy `correct / samples` with its 95% Wilson score interval, the interval the results store records
 * for every cell. Zero samples give accuracy 0 and the uninformative interval [0, 1].
 */
export function wilsonEstimate(correct: number, samples: number): AccuracyEstimate {
  if (!Number.isInteger(samples) || samples < 0 || !Number.isInteger(correct) || correct < 0 || correct > samples) {
    throw new RangeError(`wilsonEstimate needs integers 0 <= correct <= samples, got ${correct} of ${samples}`);
  }
  if (samples === 0) return { samples, correct, accuracy: 0, low: 0, high: 1, level: 0.95, method: 'wilson' };
  const p = correct / samples;
  const z2 = Z_95 * Z_95;
  const denominator = 1 + z2 / samples;
  const centre = (p + z2 / (2 * samples)) / denominator;
  const half = (Z_95 * Math.sqrt((p * (1 - p)) / samples + z2 / (4 * samples * samples))) / denominator;
  return {
    samples,
    correct,
    accuracy: p,
    // The bounds are exactly 0 and 1 at the extremes; rounding would otherwise give 1e-17 or 0.9999999999999999.
    low: correct === 0 ? 0 : Math.max(0, centre - half),
    high: correct === samples ? 1 : Math.min(1, centre + half),
    level: 0.95,
    method: 'wilson',
  };
}
