import { describe, expect, it } from 'vitest';
import { binomialHalfLowerTail, pairedSignTest } from './paired-sign-test.js';

describe('pairedSignTest', () => {
  it('is McNemar exact on 0/1 outcomes: 5 discordant pairs all one way gives p = 2 / 32', () => {
    // Pairs: 5 (1,0), 0 (0,1), 3 (1,1), 2 (0,0). p = 2 * C(5,0) / 2^5 = 0.0625.
    const first = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    const second = [0, 0, 0, 0, 0, 1, 1, 1, 0, 0];
    const test = pairedSignTest(first, second);
    expect(test).toEqual({ method: 'mcnemar-exact', examples: 10, firstBetter: 5, secondBetter: 0, ties: 5, pValue: 0.0625 });
  });

  it('computes the hand-worked p-value of 8 against 2 discordant pairs: 2 * (1 + 10 + 45) / 1024', () => {
    const first = [...Array(8).fill(1), 0, 0, 1];
    const second = [...Array(8).fill(0), 1, 1, 1];
    const test = pairedSignTest(first, second);
    expect(test.firstBetter).toBe(8);
    expect(test.secondBetter).toBe(2);
    expect(test.pValue).toBeCloseTo(112 / 1024, 12);
    // Symmetric in its arguments.
    expect(pairedSignTest(second, first).pValue).toBeCloseTo(112 / 1024, 12);
  });

  it('is 1 without discordant pairs and caps at 1 for a balanced split', () => {
    expect(pairedSignTest([1, 0, 1], [1, 0, 1]).pValue).toBe(1);
    expect(pairedSignTest([], []).pValue).toBe(1);
    // 1 vs 1: 2 * P(X <= 1 | n = 2) = 2 * 3/4 > 1, capped.
    expect(pairedSignTest([1, 0], [0, 1]).pValue).toBe(1);
  });

  it('tests fractional outcomes by the sign of per-example differences (exact sign test)', () => {
    // Differences: +0.25, +0.5, +0.125, +0.75, +0.25, +0.5, 0 (tie), -0.25: 6 positive, 1 negative, 1 tie.
    const first = [0.75, 1, 0.625, 1, 0.5, 0.5, 0.375, 0];
    const second = [0.5, 0.5, 0.5, 0.25, 0.25, 0, 0.375, 0.25];
    const test = pairedSignTest(first, second);
    expect(test.method).toBe('sign-exact');
    expect([test.firstBetter, test.secondBetter, test.ties]).toEqual([6, 1, 1]);
    // 2 * (C(7,0) + C(7,1)) / 2^7 = 16 / 128.
    expect(test.pValue).toBeCloseTo(0.125, 12);
  });

  it('reaches small p-values on large samples without underflow', () => {
    // 60 against 30 discordant pairs: p about 0.0021 (normal approximation 0.0016 with continuity 0.0023).
    const first = [...Array(60).fill(1), ...Array(30).fill(0)];
    const second = [...Array(60).fill(0), ...Array(30).fill(1)];
    const test = pairedSignTest(first, second);
    expect(test.pValue).toBeGreaterThan(0.0015);
    expect(test.pValue).toBeLessThan(0.003);
    expect(binomialHalfLowerTail(5000, 10000)).toBeGreaterThan(0.5);
    expect(binomialHalfLowerTail(4000, 10000)).toBeLessThan(1e-80);
  });

  it('refuses unaligned outcome vectors', () => {
    expect(() => pairedSignTest([1], [1, 0])).toThrow(/aligned/);
  });
});
