import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { onBothBackends, relativeError } from './testing/compare-backends.js';

describe('advbench wasm Relu (SIMD for float32, stock kernel otherwise)', () => {
  it.each([[2, 5, 5, 3], [1, 1, 7, 5], [7], [1], [3, 9], [0, 4]].map((shape) => ({ shape })))('matches the cpu backend: $shape', async ({ shape }) => {
    registerWasmKernels();
    const { cpu, wasm, leaked } = await onBothBackends(() => Array.from(tf.relu(tf.randomUniform(shape, -2, 2, 'float32', 4)).dataSync()));
    expect(leaked).toBe(0);
    expect(wasm.length).toBe(cpu.length);
    expect(relativeError(wasm, cpu)).toBe(0);
  });

  it('keeps NaN and turns negative zero into zero, as the cpu backend does', async () => {
    registerWasmKernels();
    const values = [-0, 0, Number.NaN, -1e-30, 1e-30, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    const { cpu, wasm } = await onBothBackends(() => Array.from(tf.relu(tf.tensor1d(values)).dataSync()));
    expect(wasm.map((value) => Object.is(value, -0) ? '-0' : String(value))).toEqual(cpu.map((value) => Object.is(value, -0) ? '-0' : String(value)));
  });

  it('runs int32 tensors through the stock kernel', async () => {
    registerWasmKernels();
    const { cpu, wasm } = await onBothBackends(() => {
      const y = tf.relu(tf.tensor1d([-3, 0, 2, -1, 5], 'int32'));
      return { dtype: y.dtype, values: Array.from(y.dataSync()) };
    });
    expect(wasm).toEqual(cpu);
    expect(wasm.values).toEqual([0, 0, 2, 0, 5]);
  });
});
