import { describe, it, expect } from 'vitest';
import { decomposeAxis } from './sub-pixel-phases.js';

/** Brute force: which (tap, dy index) pairs reach input position i of a strided axis. */
function contributions(stride: number, filterSize: number, padTop: number, outputSize: number, position: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  for (let output = 0; output < outputSize; output += 1) {
    for (let tap = 0; tap < filterSize; tap += 1) {
      if (output * stride + tap - padTop === position) {
        pairs.push([tap, output]);
      }
    }
  }
  return pairs;
}

describe('decomposeAxis', () => {
  it('splits 3 taps with stride 2 and no padding into 2 taps (0, 2) and 1 tap (1)', () => {
    const { phaseSize, phases } = decomposeAxis(2, 3, 0, 34, 16);
    expect(phaseSize).toBe(17);
    expect(phases).toEqual([
      { phase: 0, firstTap: 0, taps: 2, padBefore: 1, padAfter: 1 },
      { phase: 1, firstTap: 1, taps: 1, padBefore: 0, padAfter: 1 },
    ]);
  });

  it('gives a 1x1 stride-2 filter one phase with the tap and one without', () => {
    const { phases } = decomposeAxis(2, 1, 0, 32, 16);
    expect(phases.map((phase) => phase.taps)).toEqual([1, 0]);
  });

  it.each([
    [2, 3, 0, 9], [2, 3, 1, 8], [2, 1, 0, 7], [3, 1, 0, 8], [2, 2, 0, 8], [3, 5, 2, 11], [4, 5, 2, 9], [2, 4, 3, 10], [1, 3, 1, 6],
  ])('reproduces every contribution: stride %i, filter %i, pad %i, input %i', (stride, filterSize, padTop, inputSize) => {
    const outputSize = Math.floor((inputSize + 2 * padTop - filterSize) / stride) + 1;
    const { phaseSize, phases } = decomposeAxis(stride, filterSize, padTop, inputSize, outputSize);
    for (let position = 0; position < inputSize; position += 1) {
      const phase = phases[position % stride];
      const a = Math.floor(position / stride);
      expect(a).toBeLessThan(phaseSize);
      // Correlation output a reads the padded dy at a + t (t = 0 ... taps - 1) with reversed tap firstTap + stride * (taps - 1 - t).
      const pairs: Array<[number, number]> = [];
      for (let t = 0; t < phase.taps; t += 1) {
        const output = a + t - phase.padBefore;
        if (output >= 0 && output < outputSize) {
          pairs.push([phase.firstTap + stride * (phase.taps - 1 - t), output]);
        }
      }
      const sortPairs = (list: Array<[number, number]>) => [...list].sort((p, q) => p[0] - q[0]);
      expect(sortPairs(pairs)).toEqual(sortPairs(contributions(stride, filterSize, padTop, outputSize, position)));
    }
    for (const phase of phases) {
      // The padded dy is exactly long enough for phaseSize outputs.
      if (phase.taps > 0) {
        expect(outputSize + phase.padBefore + phase.padAfter - phase.taps + 1).toBe(phaseSize);
      }
    }
  });
});
