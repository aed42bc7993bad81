import { describe, it, expect } from 'vitest';
import { median, medianMilliseconds } from './median.js';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/empty/);
  });

  it('runs warm-up then timed runs and returns a non-negative median', () => {
    let calls = 0;
    const result = medianMilliseconds(() => {
      calls += 1;
    }, 2, 5);
    expect(calls).toBe(7);
    expect(result).toBeGreaterThanOrEqual(0);
  });
});
