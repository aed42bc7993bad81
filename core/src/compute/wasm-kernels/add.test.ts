import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { onBothBackends, relativeError } from './testing/compare-backends.js';

describe('advbench wasm Add (SIMD for same-shape float32, stock kernel otherwise)', () => {
  it.each([
    { a: [2, 5, 5, 3], b: [2, 5, 5, 3] },
    { a: [1, 1, 7, 5], b: [1, 1, 7, 5] },
    { a: [7], b: [7] },
    { a: [1], b: [1] },
    { a: [3, 4, 4, 7], b: [7] },
    { a: [3, 1], b: [1, 5] },
    { a: [0, 3], b: [0, 3] },
  ])('matches the cpu backend: $a + $b', async ({ a, b }) => {
    registerWasmKernels();
    const { cpu, wasm, leaked } = await onBothBackends(() => {
      const sum = tf.add(tf.randomUniform(a, -2, 2, 'float32', 1), tf.randomUniform(b, -2, 2, 'float32', 2));
      return { shape: sum.shape, values: Array.from(sum.dataSync()) };
    });
    expect(leaked).toBe(0);
    expect(wasm.shape).toEqual(cpu.shape);
    expect(relativeError(wasm.values, cpu.values)).toBe(0);
  });

  it('runs int32 tensors through the stock kernel', async () => {
    registerWasmKernels();
    const { cpu, wasm } = await onBothBackends(() => {
      const sum = tf.add(tf.tensor1d([1, -2, 3], 'int32'), tf.tensor1d([4, 5, -6], 'int32'));
      return { dtype: sum.dtype, values: Array.from(sum.dataSync()) };
    });
    expect(wasm).toEqual(cpu);
    expect(wasm).toEqual({ dtype: 'int32', values: [5, 3, -3] });
  });
});
