import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { onBothBackends, relativeError } from './testing/compare-backends.js';

/** The gradient of sum(r relu(x)) w.r.t. x, with some exact zeros in x. */
function reluGradient(shape: number[]): number[] {
  const x = tf.sub(tf.relu(tf.randomUniform(shape, -2, 2, 'float32', 1)), tf.round(tf.randomUniform(shape, 0, 0.75, 'float32', 3)));
  const r = tf.randomUniform(shape, -1, 1, 'float32', 2);
  return Array.from(tf.grad((input: tf.Tensor) => tf.sum(tf.mul(r, tf.relu(input))))(x).dataSync());
}

describe('advbench Relu gradient (one wasm kernel, tfjs formula elsewhere)', () => {
  it.each([[2, 5, 5, 3], [7], [1], [3, 9]].map((shape) => ({ shape })))('matches the cpu backend: $shape', async ({ shape }) => {
    registerWasmKernels();
    const { cpu, wasm, leaked } = await onBothBackends(() => reluGradient(shape));
    expect(leaked).toBe(0);
    expect(relativeError(wasm, cpu)).toBe(0);
  });

  it('runs one kernel on wasm and keeps tfjs formula on cpu', async () => {
    registerWasmKernels();
    const kernelsOf = async (backend: string): Promise<string[]> => {
      await tf.setBackend(backend);
      const profile = await tf.profile(() => tf.tidy(() => tf.grad((input: tf.Tensor) => tf.sum(tf.relu(input)))(tf.tensor1d([-1, 0, 2, 3, -4]))));
      return profile.kernelNames;
    };
    expect(await kernelsOf('wasm')).toContain('AdvbenchReluGrad');
    const cpu = await kernelsOf('cpu');
    expect(cpu).toContain('Step');
    expect(cpu).not.toContain('AdvbenchReluGrad');
  });
});
