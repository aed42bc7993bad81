import { describe, it, expect } from 'vitest';
import { median, medianMilliseconds } from './median.js';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/empty/);
  });

  it('runs warm-up then timed runs, awaiting each, and returns a non-negative median', async () => {
    let calls = 0;
    let running = false;
    const result = await medianMilliseconds(async () => {
      expect(running).toBe(false);
      running = true;
      await new Promise((resolve) => setTimeout(resolve, 1));
      calls += 1;
      running = false;
    }, 2, 5);
    expect(calls).toBe(7);
    expect(result).toBeGreaterThanOrEqual(0);
  });
});
