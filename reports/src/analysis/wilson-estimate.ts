import type { AccuracyEstimate } from '@advbench/core';

/** z for a two-sided 95% interval. */
const Z_95 = 1.959963984540054;

/**
 * `correct / samples` with its 95% Wilson score interval, the same estimate the results store records for a
 * cell; the report uses it for derived numbers (the worst case over attacks and surfaces).
 */
export function wilsonEstimate(correct: number, samples: number): AccuracyEstimate {
  if (samples <= 0) return { samples: 0, correct: 0, accuracy: 0, low: 0, high: 1, level: 0.95, method: 'wilson' };
  const proportion = correct / samples;
  const z2 = Z_95 * Z_95;
  const denominator = 1 + z2 / samples;
  const centre = (proportion + z2 / (2 * samples)) / denominator;
  const half = (Z_95 * Math.sqrt((proportion * (1 - proportion)) / samples + z2 / (4 * samples * samples))) / denominator;
  return {
    samples,
    correct,
    accuracy: proportion,
    low: Math.max(0, centre - half),
    high: Math.min(1, centre + half),
    level: 0.95,
    method: 'wilson',
  };
}
