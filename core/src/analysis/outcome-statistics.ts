import type { AccuracyEstimate, CellResult } from '../store/result-types.js';
import { estimateAccuracy } from '../training/accuracy.js';
import type { PairedEstimate } from './analysis-types.js';

/**
 * The project's Wilson estimate of a mean of per-example outcomes. Outcomes are 0/1 for a deterministic defense and
 * fractions of judge draws for a randomized one; a fractional sum takes the interval interpolated between the
 * Wilson intervals of the two integer counts around it (exact at integer sums, monotone in between).
 */
export function estimateOutcomes(outcomes: readonly number[]): AccuracyEstimate {
  const samples = outcomes.length;
  const sum = outcomes.reduce((total, value) => total + value, 0);
  const rounded = Math.round(sum);
  if (Math.abs(sum - rounded) < 1e-9) return estimateAccuracy(Math.min(samples, Math.max(0, rounded)), samples);
  const below = estimateAccuracy(Math.floor(sum), samples);
  const above = estimateAccuracy(Math.min(samples, Math.ceil(sum)), samples);
  const weight = sum - Math.floor(sum);
  return {
    ...below,
    correct: sum,
    accuracy: sum / samples,
    low: below.low + weight * (above.low - below.low),
    high: below.high + weight * (above.high - below.high),
  };
}

/** The test-example indices a cell evaluated: its `examples` (a checks' subset), else 0..outcomes.length-1. */
export function examplesOf(cell: CellResult): number[] {
  if (cell.examples !== undefined) return cell.examples;
  return Array.from({ length: cell.outcomes?.length ?? 0 }, (_, index) => index);
}

/** A finished cell's outcome per test-example index (empty when it has no per-example outcomes). */
export function outcomesByExample(cell: CellResult): Map<number, number> {
  const byExample = new Map<number, number>();
  if (cell.status !== 'done' || cell.outcomes === undefined) return byExample;
  const examples = examplesOf(cell);
  cell.outcomes.forEach((outcome, position) => byExample.set(examples[position], outcome));
  return byExample;
}

/**
 * A finished cell's accuracy over `examples` (default: every example it evaluated), so that two cells can be
 * compared on the same examples. Undefined when the cell has not finished or misses one of the examples.
 */
export function pairedEstimate(cell: CellResult, examples?: readonly number[]): PairedEstimate | undefined {
  const byExample = outcomesByExample(cell);
  if (byExample.size === 0) return undefined;
  const wanted = examples ?? examplesOf(cell);
  const values: number[] = [];
  for (const example of wanted) {
    const value = byExample.get(example);
    if (value === undefined) return undefined;
    values.push(value);
  }
  if (values.length === 0) return undefined;
  return { ...estimateOutcomes(values), examples: [...wanted] };
}

/**
 * True when `lower` is below `upper` beyond the interval: their 95% Wilson intervals do not overlap
 * (`lower.high < upper.low`). Every check that compares two accuracies uses this one rule.
 */
export function clearlyBelow(lower: AccuracyEstimate, upper: AccuracyEstimate): boolean {
  return lower.high < upper.low;
}

/** An accuracy in percent with one decimal, for check details: `12.5%`. */
export function percent(estimate: AccuracyEstimate | number): string {
  const value = typeof estimate === 'number' ? estimate : estimate.accuracy;
  return `${(value * 100).toFixed(1)}%`;
}

/** `12.5% [8.1, 18.0], n=200`: an accuracy with its interval and sample count, for check details. */
export function describeEstimate(estimate: AccuracyEstimate): string {
  return `${percent(estimate)} [${(estimate.low * 100).toFixed(1)}, ${(estimate.high * 100).toFixed(1)}], n=${estimate.samples}`;
}
