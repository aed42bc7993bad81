import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { createRandom } from '../../random/seeded-random.js';
import { registerWasmKernels } from './register-wasm-kernels.js';

const cases: Array<{ shape: number[]; begin: number[]; size: number[] }> = [
  { shape: [3, 9, 9, 5], begin: [0, 1, 1, 0], size: [-1, 7, 7, -1] },
  { shape: [3, 9, 9, 5], begin: [1, 0, 2, 1], size: [2, 9, 3, 3] },
  { shape: [2, 5, 7], begin: [0, 2, 0], size: [2, 3, 7] },
  { shape: [11], begin: [3], size: [5] },
  { shape: [4, 6], begin: [1, 1], size: [2, 4] },
  { shape: [2, 3, 4, 5, 3], begin: [1, 0, 1, 2, 0], size: [1, 3, 2, 3, 3] },
  { shape: [3, 4, 4, 2], begin: [0, 0, 0, 0], size: [3, 4, 4, 2] },
  { shape: [3, 4, 4, 2], begin: [1, 2, 0, 0], size: [0, 2, 4, 2] },
];

function run(testCase: (typeof cases)[number], dtype: 'float32' | 'int32'): number[] {
  return tf.tidy(() => {
    const rng = createRandom(7);
    const length = testCase.shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length }, () => (dtype === 'int32' ? rng.int(100) : rng.next()));
    return Array.from(tf.slice(tf.tensor(values, testCase.shape, dtype), testCase.begin, testCase.size).dataSync());
  });
}

describe('advbench wasm Slice kernel', () => {
  beforeAll(() => {
    registerWasmKernels();
  });

  it.each(cases)('equals the cpu backend exactly: $shape from $begin size $size', async (testCase) => {
    for (const dtype of ['float32', 'int32'] as const) {
      await tf.setBackend('cpu');
      const expected = run(testCase, dtype);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      expect(run(testCase, dtype)).toEqual(expected);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
