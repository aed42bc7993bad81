import type { RunResults } from '../store/result-types.js';
import { bestKnownOutcomes } from './best-known.js';
import { headlineEpsilonOf } from './headline-epsilon.js';
import { pairedSignTest, type PairedTestResult } from './paired-sign-test.js';

/** Significance level the leaderboard states differences at. */
export const SIGNIFICANCE_LEVEL = 0.05;

/** The paired test of two adjacent leaderboard rows at one epsilon. */
export interface AdjacentSignificance {
  /** The higher-ranked defense entry. */
  upper: string;
  /** The defense entry ranked just below it. */
  lower: string;
  /** Linf budget the outcomes are compared at (the headline epsilon). */
  epsilon: number;
  /** Best-known accuracy of `upper` over the paired examples. */
  upperAccuracy: number;
  /** Best-known accuracy of `lower` over the paired examples. */
  lowerAccuracy: number;
  /** The exact paired test (first = upper, second = lower), on the examples both evaluated. */
  test: PairedTestResult;
  /** Level used, {@link SIGNIFICANCE_LEVEL}. */
  level: number;
  /** True when `test.pValue < level`. */
  significant: boolean;
}

/**
 * Paired significance of each pair of adjacent rows of a leaderboard: for rows `order[i]` and `order[i + 1]`, each
 * defense's per-example best-known outcome at `epsilon` (worst case over its cells, 0/1 or fractional), compared on
 * the test examples both evaluated with {@link pairedSignTest}. A pair where either defense has no finished cell at
 * that epsilon, or no common example, is left out.
 *
 * @param results - the run
 * @param order - defense entry names in leaderboard order
 * @param epsilon - the budget to compare at (the headline epsilon)
 * @param level - significance level
 */
export function adjacentSignificance(results: RunResults, order: readonly string[], epsilon: number, level = SIGNIFICANCE_LEVEL): AdjacentSignificance[] {
  const outcomes = order.map((name) => bestKnownOutcomes(results.cells.filter((cell) => cell.defense === name), epsilon));
  const pairs: AdjacentSignificance[] = [];
  for (let index = 0; index + 1 < order.length; index += 1) {
    const upper = outcomes[index];
    const lower = outcomes[index + 1];
    if (upper === undefined || lower === undefined) continue;
    const common = [...upper.keys()].filter((example) => lower.has(example) && Number.isFinite(upper.get(example)!) && Number.isFinite(lower.get(example)!));
    if (common.length === 0) continue;
    const first = common.map((example) => upper.get(example)!);
    const second = common.map((example) => lower.get(example)!);
    const test = pairedSignTest(first, second);
    const mean = (values: number[]): number => values.reduce((total, value) => total + value, 0) / values.length;
    pairs.push({ upper: order[index], lower: order[index + 1], epsilon, upperAccuracy: mean(first), lowerAccuracy: mean(second), test, level, significant: test.pValue < level });
  }
  return pairs;
}

/** The ranking and adjacent-row significance stored in results.json (derived from the cells on every export). */
export interface LeaderboardRanking {
  /** The headline epsilon (see {@link headlineEpsilonOf}). */
  headlineEpsilon: number;
  /** The ordering rule, in words. */
  rule: string;
  /** Defense entry names in rank order. */
  order: string[];
  /** Paired tests of adjacent rows at the headline epsilon. */
  adjacent: AdjacentSignificance[];
}

/** Sort key comparison: larger first, undefined last. */
function compareDescending(left: number | undefined, right: number | undefined): number {
  if (left === undefined && right === undefined) return 0;
  if (left === undefined) return 1;
  if (right === undefined) return -1;
  return right - left;
}

/** Trapezoid area under accuracy-vs-epsilon points (ascending) divided by their epsilon range: a mean accuracy. */
function normalisedArea(points: ReadonlyArray<{ epsilon: number; accuracy: number }>): number | undefined {
  if (points.length === 0) return undefined;
  const range = points[points.length - 1].epsilon - points[0].epsilon;
  if (points.length === 1 || range <= 0) return points[0].accuracy;
  let area = 0;
  for (let index = 1; index < points.length; index += 1) area += ((points[index].epsilon - points[index - 1].epsilon) * (points[index].accuracy + points[index - 1].accuracy)) / 2;
  return area / range;
}

/**
 * The run's leaderboard for results.json: defenses ordered by best-known accuracy at the headline epsilon, then by
 * the area under the clean + best-known accuracy-vs-epsilon curve over the grid (the HTML report's tie-break), then
 * clean accuracy, then name; with the paired significance of each adjacent pair.
 */
export function leaderboardRanking(results: RunResults): LeaderboardRanking {
  const epsilons = [...new Set(results.cells.filter((cell) => cell.extra === undefined).map((cell) => cell.epsilon))];
  const headlineEpsilon = headlineEpsilonOf(epsilons);
  const keyed = results.defenses.map((defense) => {
    const curve = [...(defense.cleanAccuracy ? [{ epsilon: 0, accuracy: defense.cleanAccuracy.accuracy }] : []), ...(defense.bestKnown ?? []).filter((point) => point.epsilon > 0)];
    return {
      name: defense.name,
      headline: headlineEpsilon === 0 ? defense.cleanAccuracy?.accuracy : defense.bestKnown?.find((point) => point.epsilon === headlineEpsilon)?.accuracy,
      mean: normalisedArea(curve),
      clean: defense.cleanAccuracy?.accuracy,
    };
  });
  keyed.sort((left, right) => compareDescending(left.headline, right.headline) || compareDescending(left.mean, right.mean) || compareDescending(left.clean, right.clean) || left.name.localeCompare(right.name));
  const order = keyed.map((entry) => entry.name);
  return {
    headlineEpsilon,
    rule: 'best-known accuracy at the headline epsilon (largest of the grid <= 8/255), then the area under the best-known accuracy-vs-epsilon curve, then clean accuracy; adjacent rows compared by an exact paired test (McNemar exact on 0/1 outcomes, exact sign test on fractional ones) at level 0.05',
    order,
    adjacent: adjacentSignificance(results, order, headlineEpsilon),
  };
}
