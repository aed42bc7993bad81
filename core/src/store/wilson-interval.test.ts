import { describe, expect, it } from 'vitest';
import { wilsonEstimate } from './wilson-interval.js';

describe('wilsonEstimate', () => {
  it('matches published Wilson intervals', () => {
    // statsmodels proportion_confint(81, 263, method="wilson") = (0.2553, 0.3662)
    const estimate = wilsonEstimate(81, 263);
    expect(estimate.accuracy).toBeCloseTo(81 / 263, 12);
    expect(estimate.low).toBeCloseTo(0.25529, 4);
    expect(estimate.high).toBeCloseTo(0.36620, 4);
    expect(estimate.method).toBe('wilson');
    expect(estimate.level).toBe(0.95);
  });

  it('stays inside [0, 1] at the extremes and is not degenerate', () => {
    const none = wilsonEstimate(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.27753, 4);
    const all = wilsonEstimate(10, 10);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.72247, 4);
  });

  it('handles zero samples and refuses impossible counts', () => {
    expect(wilsonEstimate(0, 0)).toMatchObject({ accuracy: 0, low: 0, high: 1 });
    expect(() => wilsonEstimate(5, 4)).toThrow(RangeError);
    expect(() => wilsonEstimate(-1, 4)).toThrow(RangeError);
  });
});
