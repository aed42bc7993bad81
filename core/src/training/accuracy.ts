import type { AccuracyEstimate } from '../store/result-types.js';

/** The two-sided 95% normal quantile, the default `z` of {@link wilsonInterval}. */
export const Z_95 = 1.959963984540054;

/**
 * The Wilson score interval of a binomial proportion (`correct` successes out of `samples`).
 * Unlike the normal (Wald) interval it stays inside [0, 1] and is sensible at 0 and at `samples` successes.
 * With no samples it is the whole of [0, 1].
 *
 * `correct` may be fractional: the sum of per-example outcomes in [0, 1] (a randomized defense judged over R
 * draws scores each example by the fraction of draws it survives). The interval is then the Wilson interval of
 * their mean with n = `samples` examples, an approximation that errs wide: an outcome in [0, 1] with mean p has
 * variance at most p(1 - p), the binomial one, so draw noise never makes it too narrow.
 */
export function wilsonInterval(correct: number, samples: number, z: number = Z_95): { low: number; high: number } {
  if (!Number.isInteger(samples) || samples < 0) throw new RangeError(`samples must be a non-negative integer, got ${samples}`);
  if (!Number.isFinite(correct) || correct < 0 || correct > samples) throw new RangeError(`correct must be a number in [0, ${samples}], got ${correct}`);
  if (!(z > 0)) throw new RangeError(`z must be positive, got ${z}`);
  if (samples === 0) return { low: 0, high: 1 };
  const proportion = correct / samples;
  const zSquared = z * z;
  const denominator = 1 + zSquared / samples;
  const center = (proportion + zSquared / (2 * samples)) / denominator;
  const halfWidth = (z * Math.sqrt((proportion * (1 - proportion)) / samples + zSquared / (4 * samples * samples))) / denominator;
  // Clamp rounding noise at the edges (0 and `samples` successes give exact 0 and 1 bounds).
  return {
    low: correct === 0 ? 0 : Math.max(0, center - halfWidth),
    high: correct === samples ? 1 : Math.min(1, center + halfWidth),
  };
}

/** An {@link AccuracyEstimate}: `correct / samples` with its 95% Wilson interval (`correct` may be a sum of fractions). */
export function estimateAccuracy(correct: number, samples: number): AccuracyEstimate {
  const { low, high } = wilsonInterval(correct, samples);
  return { samples, correct, accuracy: samples === 0 ? 0 : correct / samples, low, high, level: 0.95, method: 'wilson' };
}
