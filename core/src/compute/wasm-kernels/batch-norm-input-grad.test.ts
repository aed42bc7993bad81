import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { onBothBackends, relativeError } from './testing/compare-backends.js';
import { useBroadcastBatchNormGradient } from '../batch-norm-gradient.js';
import { ADVBENCH_BATCH_NORM_INPUT_GRAD } from './batch-norm-input-grad.js';

/** d sum(r * batchNorm(x)) / dx in eval mode (statistics and scale are constants; tfjs cannot differentiate it without scale). */
function inputGradient(shape: number[]): number[] {
  const channels = shape[shape.length - 1];
  const x = tf.randomUniform(shape, -1, 1, 'float32', 1);
  const r = tf.randomUniform(shape, -1, 1, 'float32', 2);
  const mean = tf.randomUniform([channels], -0.5, 0.5, 'float32', 3);
  const variance = tf.randomUniform([channels], 0.01, 2, 'float32', 4);
  const offset = tf.randomUniform([channels], -1, 1, 'float32', 5);
  const scale = tf.randomUniform([channels], -1.5, 1.5, 'float32', 6);
  return Array.from(tf.grad((input: tf.Tensor) => tf.sum(tf.mul(r, tf.batchNorm(input, mean, variance, offset, scale, 1e-5))))(x).dataSync());
}

describe('advbench wasm inference batch-norm input gradient (one SIMD kernel)', () => {
  it.each([
    [2, 5, 4, 3],
    [1, 3, 3, 5],
    [3, 1, 7, 7],
    [1, 1, 1, 7],
    [4, 9],
    [2, 6, 6, 1],
    [2, 3, 3, 16],
  ].map((shape) => ({ shape })))('matches the cpu backend: $shape', async ({ shape }) => {
    registerWasmKernels();
    useBroadcastBatchNormGradient();
    const { cpu, wasm, leaked } = await onBothBackends(() => inputGradient(shape));
    expect(leaked).toBe(0);
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-4);
  });

  it.each([[3, 1, 7, 7], [5, 3], [1, 1, 1, 5]].map((shape) => ({ shape })))('without scale matches dy / sqrt(variance + eps) on cpu: $shape', async ({ shape }) => {
    registerWasmKernels();
    const channels = shape[shape.length - 1];
    const { cpu, wasm, leaked } = await onBothBackends(() => {
      const dy = tf.randomUniform(shape, -1, 1, 'float32', 11);
      const variance = tf.randomUniform([channels], 0.01, 2, 'float32', 12);
      const dx = tf.getBackend() === 'wasm'
        ? tf.engine().runKernel<tf.Tensor>(ADVBENCH_BATCH_NORM_INPUT_GRAD, { dy, variance }, { varianceEpsilon: 1e-3 })
        : tf.mul(dy, tf.rsqrt(tf.add(variance, 1e-3)));
      return Array.from(dx.dataSync());
    });
    expect(leaked).toBe(0);
    expect(relativeError(wasm, cpu)).toBeLessThan(1e-4);
  });

  it('is the one kernel of the input gradient on wasm, not on cpu', async () => {
    registerWasmKernels();
    useBroadcastBatchNormGradient();
    const kernelsOf = async (backend: string): Promise<string[]> => {
      await tf.setBackend(backend);
      const profile = await tf.profile(() => tf.tidy(() => inputGradient([2, 3, 3, 5])));
      return profile.kernelNames;
    };
    const wasm = await kernelsOf('wasm');
    expect(wasm).toContain(ADVBENCH_BATCH_NORM_INPUT_GRAD);
    expect(wasm).not.toContain('Rsqrt');
    expect(await kernelsOf('cpu')).not.toContain(ADVBENCH_BATCH_NORM_INPUT_GRAD);
  });
});
