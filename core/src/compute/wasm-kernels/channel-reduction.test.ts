import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';

const cases: Array<{ shape: number[]; axis: number[] | number | undefined; keepDims: boolean }> = [
  { shape: [4, 7, 5, 6], axis: [0, 1, 2], keepDims: false },
  { shape: [4, 7, 5, 6], axis: [2, 0, 1], keepDims: true },
  { shape: [33, 3], axis: 0, keepDims: false },
  { shape: [3, 5, 1], axis: [0, 1], keepDims: false },
  { shape: [4, 7, 5, 6], axis: [1, 2], keepDims: false },
  { shape: [4, 7, 5, 6], axis: undefined, keepDims: false },
  { shape: [4, 6], axis: -1, keepDims: true },
  { shape: [5, 3, 3, 7], axis: [0, 1, 2], keepDims: false },
  { shape: [1, 7], axis: 0, keepDims: false },
  { shape: [1, 1, 1, 5], axis: [0, 1, 2], keepDims: true },
  { shape: [64, 8, 8, 16], axis: [0, 1, 2], keepDims: false },
];

function reduce(testCase: (typeof cases)[number], operation: 'sum' | 'mean'): { values: number[]; shape: number[] } {
  return tf.tidy(() => {
    const x = tf.randomUniform(testCase.shape, -1, 3, 'float32', 7);
    const result = operation === 'sum' ? tf.sum(x, testCase.axis, testCase.keepDims) : tf.mean(x, testCase.axis, testCase.keepDims);
    return { values: Array.from(result.dataSync()), shape: result.shape };
  });
}

describe('advbench wasm Sum and Mean kernels (per-channel reductions)', () => {
  it.each(cases)('match the cpu backend: $shape over $axis (keepDims $keepDims)', async (testCase) => {
    registerWasmKernels();
    for (const operation of ['sum', 'mean'] as const) {
      await tf.setBackend('cpu');
      const expected = reduce(testCase, operation);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const actual = reduce(testCase, operation);
      expect(tf.memory().numTensors).toBe(before);
      expect(actual.shape).toEqual(expected.shape);
      const scale = Math.max(...expected.values.map(Math.abs));
      actual.values.forEach((value, index) => expect(Math.abs(value - expected.values[index]) / scale).toBeLessThan(1e-5));
    }
  });

  it('leaves int32 sums to the stock kernel', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    expect(Array.from(tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0).dataSync())).toEqual([4, 6]);
  });
});
