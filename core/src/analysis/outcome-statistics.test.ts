import { describe, expect, it } from 'vitest';
import { estimateAccuracy } from '../training/accuracy.js';
import { clearlyBelow, estimateOutcomes, pairedEstimate } from './outcome-statistics.js';
import { doneCell, outcomes } from './testing/hand-built-cells.js';

describe('estimateOutcomes', () => {
  it('is the Wilson estimate on 0/1 outcomes', () => {
    expect(estimateOutcomes(outcomes(8, 10))).toEqual(estimateAccuracy(8, 10));
  });

  it('handles fractional outcomes between the two integer counts around their sum', () => {
    const estimate = estimateOutcomes([0.5, 0.5, 1, 0, 0.25, 0.75, 1, 1, 0, 0.5]);
    expect(estimate.accuracy).toBeCloseTo(0.55, 10);
    const five = estimateAccuracy(5, 10);
    const six = estimateAccuracy(6, 10);
    expect(estimate.low).toBeGreaterThan(five.low);
    expect(estimate.low).toBeLessThan(six.low);
    expect(estimate.high).toBeCloseTo((five.high + six.high) / 2, 10);
  });
});

describe('clearlyBelow', () => {
  it('needs disjoint intervals', () => {
    expect(clearlyBelow(estimateAccuracy(10, 100), estimateAccuracy(50, 100))).toBe(true);
    expect(clearlyBelow(estimateAccuracy(45, 100), estimateAccuracy(50, 100))).toBe(false);
    expect(clearlyBelow(estimateAccuracy(50, 100), estimateAccuracy(10, 100))).toBe(false);
  });
});

describe('pairedEstimate', () => {
  it('restricts a full cell to a subset of examples', () => {
    const cell = doneCell({ attack: 'pgd', epsilon: 0.1, outcomes: [1, 1, 0, 0, 1, 0] });
    expect(pairedEstimate(cell, [0, 2, 4])!.accuracy).toBeCloseTo(2 / 3);
    const subset = doneCell({ attack: 'pgd', epsilon: 0.1, outcomes: [0, 1], examples: [2, 4] });
    expect(pairedEstimate(subset)!.examples).toEqual([2, 4]);
    expect(pairedEstimate(subset, [0])).toBeUndefined();
  });
});
