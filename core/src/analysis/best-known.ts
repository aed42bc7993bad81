import type { AccuracyEstimate, CellResult } from '../store/result-types.js';
import type { BestKnownPoint } from './analysis-types.js';
import { estimateOutcomes, examplesOf, outcomesByExample } from './outcome-statistics.js';

/** Best-known accuracy at one epsilon with its interval, and whether some cell at that epsilon has not finished. */
export interface BestKnownEstimate {
  /** Linf budget. */
  epsilon: number;
  /** Mean per-example worst case with its Wilson interval. */
  estimate: AccuracyEstimate;
  /** True when some cell at this epsilon failed or has not finished (the number is then an upper bound). */
  partial: boolean;
  /** Cells that decided it (sweep cells and extra cells at this epsilon). */
  cells: number;
}

/**
 * Best-known robust accuracy of one defense per epsilon of its sweep: for each test example the worst outcome over
 * every finished cell at that epsilon (every attack, every surface, and the checks' extra cells that ran on that
 * example, such as doubled steps), averaged over the examples of the sweep cells. Works on 0/1 outcomes and on
 * fractional outcomes (the share of judge draws a randomized defense got right): the worst case of an example is the
 * minimum of its outcomes, which are paired (same judge draws in every cell of a defense). Epsilons at which no
 * sweep cell has finished are left out; so are the extra cells' own budgets (the unbounded check's).
 *
 * @param cells - the cells of one defense
 */
export function bestKnownEstimates(cells: readonly CellResult[]): BestKnownEstimate[] {
  const sweepEpsilons = [...new Set(cells.filter((cell) => cell.extra === undefined).map((cell) => cell.epsilon))].sort((left, right) => left - right);
  const points: BestKnownEstimate[] = [];
  for (const epsilon of sweepEpsilons) {
    const worst = bestKnownOutcomes(cells, epsilon);
    if (worst === undefined) continue;
    const atEpsilon = cells.filter((cell) => cell.epsilon === epsilon);
    const finished = atEpsilon.filter((cell) => cell.status === 'done' && cell.outcomes !== undefined && cell.outcomes.length > 0);
    points.push({ epsilon, estimate: estimateOutcomes([...worst.values()]), partial: atEpsilon.some((cell) => cell.status !== 'done'), cells: finished.length });
  }
  return points;
}

/**
 * A defense's best-known outcome per test example at one epsilon: the worst (minimum) outcome of each example of its
 * finished sweep cells over every finished cell at that epsilon (extra cells included), keyed by test-example index.
 * Undefined when no sweep cell at that epsilon has finished. The per-example input of {@link bestKnownEstimates} and
 * of the paired significance tests of adjacent leaderboard rows.
 *
 * @param cells - the cells of one defense
 * @param epsilon - the budget
 */
export function bestKnownOutcomes(cells: readonly CellResult[], epsilon: number): Map<number, number> | undefined {
  const finished = cells.filter((cell) => cell.epsilon === epsilon && cell.status === 'done' && cell.outcomes !== undefined && cell.outcomes.length > 0);
  const sweep = finished.filter((cell) => cell.extra === undefined);
  if (sweep.length === 0) return undefined;
  const worst = new Map<number, number>();
  for (const cell of sweep) {
    for (const example of examplesOf(cell)) if (!worst.has(example)) worst.set(example, Number.POSITIVE_INFINITY);
  }
  for (const cell of finished) {
    for (const [example, outcome] of outcomesByExample(cell)) {
      const current = worst.get(example);
      if (current !== undefined && outcome < current) worst.set(example, outcome);
    }
  }
  return worst;
}

/** {@link bestKnownEstimates} in the stored shape: `{ epsilon, accuracy, samples }` per epsilon. */
export function bestKnown(cells: readonly CellResult[]): BestKnownPoint[] {
  return bestKnownEstimates(cells).map((point) => ({ epsilon: point.epsilon, accuracy: point.estimate.accuracy, samples: point.estimate.samples }));
}
