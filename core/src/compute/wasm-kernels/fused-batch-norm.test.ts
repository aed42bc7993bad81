import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let difference = 0;
  let scale = 0;
  expected.forEach((value, index) => {
    difference = Math.max(difference, Math.abs(value - actual[index]));
    scale = Math.max(scale, Math.abs(value));
  });
  return difference / scale;
}

const cases = [
  { name: 'NHWC per channel, scale and offset', shape: [3, 5, 7, 6], parameterShape: [6], scale: true, offset: true },
  { name: 'no scale, no offset, odd channels', shape: [2, 3, 3, 5], parameterShape: [5], scale: false, offset: false },
  { name: 'broadcast-shaped [1,1,1,C] statistics', shape: [2, 4, 3, 3], parameterShape: [1, 1, 1, 3], scale: true, offset: false },
  { name: 'rank 2', shape: [9, 4], parameterShape: [4], scale: true, offset: true },
  { name: '7 channels, 45 rows (periods and a remainder row)', shape: [5, 3, 3, 7], parameterShape: [7], scale: true, offset: false },
  { name: 'single row', shape: [1, 3], parameterShape: [3], scale: false, offset: true },
  { name: 'full-shape statistics (fallback)', shape: [2, 3, 4], parameterShape: [2, 3, 4], scale: true, offset: true },
];

function normalise(testCase: (typeof cases)[number]): Float32Array {
  return tf.tidy(() => {
    const x = tf.randomUniform(testCase.shape, -2, 2, 'float32', 1);
    const mean = tf.randomUniform(testCase.parameterShape, -1, 1, 'float32', 2);
    const variance = tf.randomUniform(testCase.parameterShape, 0.1, 2, 'float32', 3);
    const offset = testCase.offset ? tf.randomUniform(testCase.parameterShape, -1, 1, 'float32', 4) : undefined;
    const scale = testCase.scale ? tf.randomUniform(testCase.parameterShape, 0.5, 2, 'float32', 5) : undefined;
    return tf.batchNorm(x, mean, variance, offset, scale, 1e-5).dataSync() as Float32Array;
  });
}

describe('advbench wasm FusedBatchNorm kernel', () => {
  it.each(cases)('matches the cpu backend: $name', async (testCase) => {
    registerWasmKernels();
    await tf.setBackend('cpu');
    const expected = normalise(testCase);
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    expect(relativeError(normalise(testCase), expected)).toBeLessThan(1e-5);
    expect(tf.memory().numTensors).toBe(before);
  });
});
