import { describe, expect, it } from 'vitest';
import { estimateAccuracy, wilsonInterval } from './accuracy.js';

describe('wilsonInterval', () => {
  it('matches published values', () => {
    // 8 of 10: the textbook Wilson 95% interval is [0.4902, 0.9433].
    const eight = wilsonInterval(8, 10);
    expect(eight.low).toBeCloseTo(0.4902, 4);
    expect(eight.high).toBeCloseTo(0.9433, 4);
    // 0 of 10: [0, 0.2775]; 10 of 10: [0.7225, 1].
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval(10, 10).high).toBe(1);
    // 50 of 100: 0.5 +- 0.0960 roughly, [0.4038, 0.5962].
    const half = wilsonInterval(50, 100);
    expect(half.low).toBeCloseTo(0.4038, 4);
    expect(half.high).toBeCloseTo(0.5962, 4);
  });

  it('narrows with more samples and widens with z', () => {
    const small = wilsonInterval(5, 10);
    const large = wilsonInterval(500, 1000);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    const wide = wilsonInterval(5, 10, 2.576);
    expect(wide.high - wide.low).toBeGreaterThan(small.high - small.low);
  });

  it('is [0, 1] with no samples and refuses impossible counts', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(() => wilsonInterval(11, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 10)).toThrow(RangeError);
    expect(() => wilsonInterval(Number.NaN, 10)).toThrow(RangeError);
  });

  it('takes a sum of fractional outcomes (a randomized defense judged over draws): the interval of their mean', () => {
    const fractional = wilsonInterval(5.5, 10);
    expect(fractional.low).toBeGreaterThan(wilsonInterval(5, 10).low);
    expect(fractional.high).toBeLessThan(wilsonInterval(6, 10).high);
  });
});

describe('estimateAccuracy', () => {
  it('fills every field', () => {
    const estimate = estimateAccuracy(8, 10);
    expect(estimate).toMatchObject({ samples: 10, correct: 8, accuracy: 0.8, level: 0.95, method: 'wilson' });
    expect(estimate.low).toBeCloseTo(0.4902, 4);
    expect(estimate.high).toBeCloseTo(0.9433, 4);
    expect(estimateAccuracy(0, 0)).toMatchObject({ accuracy: 0, low: 0, high: 1 });
  });
});
