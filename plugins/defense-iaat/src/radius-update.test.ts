import { describe, expect, it } from 'vitest';
import { updateRadii, warmupRadii } from './radius-update.js';

describe('updateRadii', () => {
  it('raises where robust at radius + gamma, keeps where robust only at the current radius, lowers otherwise, zeroes the misclassified', () => {
    const next = updateRadii(
      {
        previous: Float32Array.from([0.02, 0.02, 0.02, 0.02, 0.001]),
        cleanCorrect: Uint8Array.from([1, 1, 1, 0, 1]),
        robustAtCurrent: Uint8Array.from([1, 1, 0, 1, 0]),
        robustAtHigher: Uint8Array.from([1, 0, 0, 1, 0]),
      },
      0.01,
      0.25,
    );
    // beta * found + (1 - beta) * previous
    expect(next[0]).toBeCloseTo(0.25 * 0.03 + 0.75 * 0.02, 7);
    expect(next[1]).toBeCloseTo(0.02, 7);
    expect(next[2]).toBeCloseTo(0.25 * 0.01 + 0.75 * 0.02, 7);
    expect(next[3]).toBeCloseTo(0.75 * 0.02, 7);
    // lowered below 0 is clamped to 0 before averaging
    expect(next[4]).toBeCloseTo(0.75 * 0.001, 7);
  });

  it('with beta 1 takes the found radius as is', () => {
    const next = updateRadii({ previous: Float32Array.from([0.1]), cleanCorrect: Uint8Array.from([1]), robustAtCurrent: Uint8Array.from([0]), robustAtHigher: Uint8Array.from([0]) }, 0.03, 1);
    expect(next[0]).toBeCloseTo(0.07, 7);
  });

  it('warm-up radii are epsilon for correctly classified examples and 0 for the others', () => {
    expect(Array.from(warmupRadii(Uint8Array.from([1, 0, 1]), 0.5))).toEqual([0.5, 0, 0.5]);
  });
});
