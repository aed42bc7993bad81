import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { onBothBackends, relativeError } from './testing/compare-backends.js';
import { ADVBENCH_CROP_IMAGES } from './crop-images.js';

const cases = [
  { name: 'bench-resnet pad gradient, 3 channels', shape: [2, 7, 8, 3], top: 1, left: 1, height: 5, width: 6 },
  { name: '5 channels, corner window', shape: [1, 4, 6, 5], top: 0, left: 2, height: 3, width: 4 },
  { name: 'single row, 7 channels', shape: [3, 3, 5, 7], top: 2, left: 1, height: 1, width: 3 },
  { name: 'one channel, whole image', shape: [2, 3, 4, 1], top: 0, left: 0, height: 3, width: 4 },
  { name: 'empty window', shape: [1, 3, 3, 2], top: 1, left: 1, height: 0, width: 2 },
];

describe('advbench wasm crop of NHWC images (the spatial padding gradient)', () => {
  it.each(cases)('matches Slice on the cpu backend: $name', async ({ shape, top, left, height, width }) => {
    registerWasmKernels();
    const { cpu, wasm, leaked } = await onBothBackends(() => {
      const x = tf.randomUniform(shape, -1, 1, 'float32', 3);
      const y = tf.getBackend() === 'wasm'
        ? tf.engine().runKernel<tf.Tensor>(ADVBENCH_CROP_IMAGES, { x }, { top, left, height, width })
        : tf.slice(x, [0, top, left, 0], [-1, height, width, -1]);
      return { shape: y.shape, values: Array.from(y.dataSync()) };
    });
    expect(leaked).toBe(0);
    expect(wasm.shape).toEqual(cpu.shape);
    expect(relativeError(wasm.values, cpu.values)).toBe(0);
  });

  it('rejects windows outside the image', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const x = tf.zeros([1, 3, 3, 2]);
    expect(() => tf.engine().runKernel(ADVBENCH_CROP_IMAGES, { x }, { top: 1, left: 0, height: 3, width: 3 })).toThrow(/outside/);
    x.dispose();
  });

  it.each([
    { paddings: [[0, 0], [1, 1], [1, 1], [0, 0]], kernel: true },
    { paddings: [[0, 0], [2, 0], [0, 3], [0, 0]], kernel: true },
    { paddings: [[1, 0], [1, 1], [0, 0], [0, 1]], kernel: false },
  ] as Array<{ paddings: Array<[number, number]>; kernel: boolean }>)('is the pad gradient on wasm where it applies: $paddings', async ({ paddings, kernel }) => {
    registerWasmKernels();
    const gradient = (): number[] => {
      const x = tf.randomUniform([2, 3, 4, 5], -1, 1, 'float32', 4);
      const padded = paddings.map(([before, after], axis) => before + x.shape[axis] + after);
      const r = tf.randomUniform(padded, -1, 1, 'float32', 5);
      return Array.from(tf.grad((input: tf.Tensor) => tf.sum(tf.mul(r, tf.pad(input, paddings))))(x).dataSync());
    };
    const { cpu, wasm, leaked } = await onBothBackends(gradient);
    expect(leaked).toBe(0);
    expect(relativeError(wasm, cpu)).toBe(0);
    await tf.setBackend('wasm');
    const profile = await tf.profile(() => tf.tidy(gradient));
    expect(profile.kernelNames.includes(ADVBENCH_CROP_IMAGES)).toBe(kernel);
  });
});
