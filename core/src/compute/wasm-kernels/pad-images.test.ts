import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { onBothBackends, relativeError } from './testing/compare-backends.js';

type Paddings = Array<[number, number]>;

const cases: Array<{ name: string; shape: number[]; paddings: Paddings; value: number; dtype?: 'float32' | 'int32' }> = [
  { name: 'zero padding 1 (bench-resnet), 3 channels', shape: [2, 5, 6, 3], paddings: [[0, 0], [1, 1], [1, 1], [0, 0]], value: 0 },
  { name: 'asymmetric, 5 channels, constant 2.5', shape: [1, 4, 3, 5], paddings: [[0, 0], [0, 2], [3, 1], [0, 0]], value: 2.5 },
  { name: 'single row, 7 channels', shape: [3, 1, 9, 7], paddings: [[0, 0], [2, 0], [0, 1], [0, 0]], value: -1 },
  { name: 'one channel, rows only', shape: [2, 3, 1, 1], paddings: [[0, 0], [1, 2], [0, 0], [0, 0]], value: 0 },
  { name: 'no padding', shape: [1, 2, 2, 3], paddings: [[0, 0], [0, 0], [0, 0], [0, 0]], value: 0 },
  { name: 'batch and channel padding (stock kernel)', shape: [1, 3, 2, 3], paddings: [[1, 0], [1, 1], [0, 1], [0, 2]], value: 1 },
  { name: 'rank 3 (stock kernel)', shape: [3, 4, 5], paddings: [[1, 0], [0, 2], [1, 1]], value: 0 },
  { name: 'int32 (stock kernel)', shape: [1, 2, 3, 3], paddings: [[0, 0], [1, 1], [1, 1], [0, 0]], value: 4, dtype: 'int32' },
  { name: 'empty input', shape: [1, 0, 3, 3], paddings: [[0, 0], [1, 1], [1, 1], [0, 0]], value: 3 },
];

describe('advbench wasm PadV2 (SIMD spatial padding of NHWC images, stock kernel otherwise)', () => {
  it.each(cases)('matches the cpu backend: $name', async ({ shape, paddings, value, dtype }) => {
    registerWasmKernels();
    const { cpu, wasm, leaked } = await onBothBackends(() => {
      const x = tf.randomUniform(shape, -3, 3, dtype ?? 'float32', 8);
      const y = tf.pad(x, paddings, value);
      return { shape: y.shape, values: Array.from(y.dataSync()) };
    });
    expect(leaked).toBe(0);
    expect(wasm.shape).toEqual(cpu.shape);
    expect(relativeError(wasm.values, cpu.values)).toBe(0);
  });

  it('differentiates as a slice (the zero-padding layer gradient)', async () => {
    registerWasmKernels();
    const { cpu, wasm } = await onBothBackends(() => {
      const x = tf.randomUniform([2, 4, 5, 3], -1, 1, 'float32', 9);
      const r = tf.randomUniform([2, 6, 7, 3], -1, 1, 'float32', 10);
      return Array.from(tf.grad((input: tf.Tensor) => tf.sum(tf.mul(r, tf.pad(input, [[0, 0], [1, 1], [1, 1], [0, 0]]))))(x).dataSync());
    });
    expect(relativeError(wasm, cpu)).toBe(0);
  });
});
