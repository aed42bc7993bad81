import { describe, expect, it } from 'vitest';
import { BUILT_IN_BACKGROUND_NAMES, generateBackgrounds, hashBackgrounds } from './backgrounds.js';

function meanAbsoluteDifference(a: Float32Array, b: Float32Array): number {
  let total = 0;
  for (let index = 0; index < a.length; index += 1) total += Math.abs(a[index] - b[index]);
  return total / a.length;
}

function spread(image: Float32Array): number {
  return Math.max(...image) - Math.min(...image);
}

describe('built-in backgrounds', () => {
  it('makes K deterministic images of the right size with values in [0, 1]', () => {
    for (const shape of [[28, 28, 1], [32, 32, 3], [7, 11, 2]] as [number, number, number][]) {
      const images = generateBackgrounds(shape, 8);
      expect(images).toHaveLength(8);
      for (const image of images) {
        expect(image.length).toBe(shape[0] * shape[1] * shape[2]);
        expect(Math.min(...image)).toBeGreaterThanOrEqual(0);
        expect(Math.max(...image)).toBeLessThanOrEqual(1);
      }
      expect(generateBackgrounds(shape, 8)).toEqual(images);
    }
    expect(generateBackgrounds([28, 28, 1], 3)).toEqual(generateBackgrounds([28, 28, 1], 8).slice(0, 3));
    expect(BUILT_IN_BACKGROUND_NAMES).toHaveLength(8);
  });

  it('makes visually distinct patterns (every pair differs, none is flat) in gray and colour', () => {
    for (const shape of [[28, 28, 1], [32, 32, 3]] as [number, number, number][]) {
      const images = generateBackgrounds(shape, 8);
      for (const image of images) expect(spread(image)).toBeGreaterThan(0.5);
      for (let first = 0; first < images.length; first += 1) {
        for (let second = first + 1; second < images.length; second += 1) {
          expect(meanAbsoluteDifference(images[first], images[second]), `${BUILT_IN_BACKGROUND_NAMES[first]} vs ${BUILT_IN_BACKGROUND_NAMES[second]} at ${shape}`).toBeGreaterThan(0.1);
        }
      }
    }
  });

  it('draws horizontal stripes along rows and vertical stripes along columns', () => {
    const [horizontal, vertical] = generateBackgrounds([28, 28, 1], 2);
    // Horizontal stripes are constant along a row, vertical ones along a column.
    for (let row = 0; row < 28; row += 1) expect(new Set(horizontal.slice(row * 28, row * 28 + 28)).size).toBe(1);
    for (let column = 0; column < 28; column += 1) expect(new Set(Array.from({ length: 28 }, (_, row) => vertical[row * 28 + column])).size).toBe(1);
  });

  it('refuses counts outside 1..8 and bad shapes', () => {
    expect(() => generateBackgrounds([28, 28, 1], 9)).toThrow(/count must be an integer in 1..8/);
    expect(() => generateBackgrounds([28, 28, 1], 0)).toThrow(RangeError);
    expect(() => generateBackgrounds([0, 28, 1], 2)).toThrow(/shape/);
  });

  it('hashes content, not identity', () => {
    const images = generateBackgrounds([8, 8, 1], 4);
    expect(hashBackgrounds(images)).toBe(hashBackgrounds(generateBackgrounds([8, 8, 1], 4)));
    expect(hashBackgrounds(images)).not.toBe(hashBackgrounds(generateBackgrounds([8, 8, 1], 3)));
    const changed = images.map((image) => image.slice());
    changed[2][5] += 0.25;
    expect(hashBackgrounds(changed)).not.toBe(hashBackgrounds(images));
  });
});
