import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';

describe('advbench wasm Identity kernel', () => {
  it('shares the buffer (no copy) and frees it with the last tensor', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const buffers = backend.numDataIds();
    const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const copies = [tf.clone(x), tf.tidy(() => tf.clone(tf.reshape(tf.clone(x), [3, 2])))];
    expect(backend.numDataIds()).toBe(buffers + 1);
    x.dispose();
    expect(Array.from(copies[0].dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(copies[1].shape).toEqual([3, 2]);
    const sum = tf.add(copies[0], 1);
    expect(Array.from(sum.dataSync())).toEqual([2, 3, 4, 5, 6, 7]);
    sum.dispose();
    copies.forEach((copy) => copy.dispose());
    expect(backend.numDataIds()).toBe(buffers);
    expect(tf.memory().numTensors).toBe(0);
  });

  it('clones int32, bool and string tensors', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    tf.tidy(() => {
      expect(Array.from(tf.clone(tf.tensor1d([1, -2], 'int32')).dataSync())).toEqual([1, -2]);
      expect(Array.from(tf.clone(tf.tensor1d([true, false], 'bool')).dataSync())).toEqual([1, 0]);
      expect(tf.clone(tf.tensor1d(['a', 'bc'], 'string')).arraySync()).toEqual(['a', 'bc']);
    });
  });
});
