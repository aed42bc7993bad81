/** The outcome of an exact paired test of two per-example outcome vectors. */
export interface PairedTestResult {
  /** `mcnemar-exact` when every outcome is 0 or 1, else `sign-exact` (the same test on per-example differences). */
  method: 'mcnemar-exact' | 'sign-exact';
  /** Examples compared (pairs). */
  examples: number;
  /** Examples where the first outcome is higher (for 0/1 outcomes: first right, second wrong). */
  firstBetter: number;
  /** Examples where the second outcome is higher. */
  secondBetter: number;
  /** Examples with equal outcomes (they carry no information and are left out of the test). */
  ties: number;
  /** Two-sided exact p-value: 2 * P(X <= min(firstBetter, secondBetter)), X ~ Binomial(firstBetter + secondBetter, 1/2), at most 1. */
  pValue: number;
}

/** Differences smaller than this count as ties (fractions of judge draws are exact multiples of 1/draws). */
const TIE_TOLERANCE = 1e-9;

/** P(X <= k) for X ~ Binomial(n, 1/2), summed in log space so that n in the tens of thousands stays exact enough. */
export function binomialHalfLowerTail(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  const logHalfPower = -n * Math.LN2;
  let logChoose = 0; // log C(n, 0)
  let total = Math.exp(logHalfPower);
  for (let index = 1; index <= k; index += 1) {
    logChoose += Math.log(n - index + 1) - Math.log(index);
    total += Math.exp(logChoose + logHalfPower);
  }
  return Math.min(1, total);
}

/**
 * Exact two-sided paired test of two defenses' outcomes on the same examples. Per example the difference
 * `first[i] - second[i]` is taken; ties are dropped and the number of positive differences is tested against
 * Binomial(n, 1/2) with n the untied examples (the exact sign test). On 0/1 outcomes the untied examples are the
 * discordant pairs and this is McNemar's exact test; on fractional outcomes (the share of judge draws a randomized
 * defense got right) it is its analogue on per-example correct-fractions.
 *
 * @param first - per-example outcomes in [0, 1] of the first defense
 * @param second - per-example outcomes of the second defense, aligned with `first`
 * @throws Error when the two vectors differ in length
 */
export function pairedSignTest(first: readonly number[], second: readonly number[]): PairedTestResult {
  if (first.length !== second.length) throw new Error(`paired test needs aligned outcomes: ${first.length} vs ${second.length} examples`);
  let firstBetter = 0;
  let secondBetter = 0;
  let binary = true;
  for (let index = 0; index < first.length; index += 1) {
    const difference = first[index] - second[index];
    if (difference > TIE_TOLERANCE) firstBetter += 1;
    else if (difference < -TIE_TOLERANCE) secondBetter += 1;
    for (const value of [first[index], second[index]]) if (value !== 0 && value !== 1) binary = false;
  }
  const untied = firstBetter + secondBetter;
  const pValue = untied === 0 ? 1 : Math.min(1, 2 * binomialHalfLowerTail(Math.min(firstBetter, secondBetter), untied));
  return { method: binary ? 'mcnemar-exact' : 'sign-exact', examples: first.length, firstBetter, secondBetter, ties: first.length - untied, pValue };
}
