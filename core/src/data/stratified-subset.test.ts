import { describe, expect, it } from 'vitest';
import { createRandom } from '../random/seeded-random.js';
import { stratifiedSubset } from './stratified-subset.js';

/** 1000 labels over 4 classes of sizes 400, 300, 200, 100, interleaved. */
function unevenLabels(): Int32Array {
  const labels: number[] = [];
  for (let index = 0; index < 1000; index += 1) labels.push(index % 10 < 4 ? 0 : index % 10 < 7 ? 1 : index % 10 < 9 ? 2 : 3);
  return Int32Array.from(labels);
}

function classCounts(labels: Int32Array, positions: Int32Array): number[] {
  const counts = [0, 0, 0, 0];
  for (const position of positions) counts[labels[position]] += 1;
  return counts;
}

describe('stratifiedSubset', () => {
  it('gives each class its proportional share', () => {
    const labels = unevenLabels();
    expect(classCounts(labels, stratifiedSubset(labels, 100, createRandom(1)))).toEqual([40, 30, 20, 10]);
    expect(classCounts(labels, stratifiedSubset(labels, 500, createRandom(2)))).toEqual([200, 150, 100, 50]);
  });

  it('hands the remainder to the classes with the largest fractional shares', () => {
    const labels = unevenLabels();
    // Shares of 13: 5.2, 3.9, 2.6, 1.3 -> floors 5, 3, 2, 1 (11) and the 2 left go to 3.9 and 2.6.
    expect(classCounts(labels, stratifiedSubset(labels, 13, createRandom(3)))).toEqual([5, 4, 3, 1]);
  });

  it('breaks remainder ties by seed, always keeping the total and near-equal balance', () => {
    const labels = Int32Array.from({ length: 40 }, (_, index) => index % 4);
    const seen = new Set<string>();
    for (let seed = 0; seed < 20; seed += 1) {
      const counts = classCounts(labels, stratifiedSubset(labels, 6, createRandom(seed)));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(6);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      seen.add(counts.join());
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('is deterministic for the same seed, sorted, distinct, and differs between seeds', () => {
    const labels = unevenLabels();
    const first = stratifiedSubset(labels, 50, createRandom(7));
    const again = stratifiedSubset(labels, 50, createRandom(7));
    const other = stratifiedSubset(labels, 50, createRandom(8));
    expect(Array.from(again)).toEqual(Array.from(first));
    expect(Array.from(other)).not.toEqual(Array.from(first));
    expect(new Set(first).size).toBe(50);
    expect(Array.from(first)).toEqual(Array.from(first).sort((a, b) => a - b));
  });

  it('returns everything for the full size and nothing for 0; refuses sizes out of range', () => {
    const labels = unevenLabels();
    expect(stratifiedSubset(labels, 1000, createRandom(1)).length).toBe(1000);
    expect(stratifiedSubset(labels, 0, createRandom(1)).length).toBe(0);
    expect(() => stratifiedSubset(labels, 1001, createRandom(1))).toThrow(RangeError);
    expect(() => stratifiedSubset(labels, 2.5, createRandom(1))).toThrow(RangeError);
  });
});
