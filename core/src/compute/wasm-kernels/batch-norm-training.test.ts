import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from './register-wasm-kernels.js';
import { ADVBENCH_BATCH_NORM_TRAINING, ADVBENCH_MOVING_AVERAGES } from './advbench-kernel-names.js';
import { onBothBackends, relativeError } from './testing/compare-backends.js';

const shapes = [[3, 5, 4, 6], [2, 3, 3, 5], [4, 7, 3], [1, 7], [1, 1, 1, 3], [5, 3, 3, 7], [9, 1], [2, 2, 2, 16], [64, 4]];

/** The reference: tfjs' moments and the normalisation formula, differentiated by tfjs (mean and variance too). */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor[] {
  const axes = Array.from({ length: x.rank - 1 }, (_, index) => index);
  const { mean, variance } = tf.moments(x, axes);
  const output = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-3))), gamma), beta);
  return [output, mean, variance];
}

/** The fused kernel (wasm) or the reference (cpu). */
function normalise(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor[] {
  if (tf.getBackend() === 'wasm') {
    return tf.engine().runKernel<tf.Tensor[]>(ADVBENCH_BATCH_NORM_TRAINING, { x, gamma, beta }, { epsilon: 1e-3 });
  }
  return reference(x, gamma, beta);
}

/** Outputs and gradients of sum(r y) + statisticsWeight (sum(p mean) + sum(q variance)) w.r.t. x, gamma, beta. */
function valueAndGradients(shape: number[], statisticsWeight: number): number[][] {
  const channels = shape[shape.length - 1];
  const x = tf.add(tf.randomUniform(shape, -1, 2, 'float32', 1), tf.randomUniform([channels], -3, 3, 'float32', 9));
  const r = tf.randomUniform(shape, -1, 1, 'float32', 2);
  const p = tf.randomUniform([channels], -1, 1, 'float32', 5);
  const q = tf.randomUniform([channels], -1, 1, 'float32', 6);
  const gamma = tf.randomUniform([channels], 0.5, 1.5, 'float32', 3);
  const beta = tf.randomUniform([channels], -1, 1, 'float32', 4);
  const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor): tf.Scalar => {
    const [output, mean, variance] = normalise(a, b, c);
    const statistics = tf.add(tf.sum(tf.mul(p, mean)), tf.sum(tf.mul(q, variance)));
    return tf.add(tf.sum(tf.mul(r, output)), tf.mul(statistics, statisticsWeight));
  };
  const outputs = normalise(x, gamma, beta).map((tensor) => Array.from(tensor.dataSync()));
  const { grads } = tf.valueAndGrads(loss)([x, gamma, beta]);
  return [...outputs, ...grads.map((grad) => Array.from(grad.dataSync()))];
}

describe('advbench wasm training batch-norm kernels (AdvbenchBatchNormTraining and its gradient)', () => {
  it.each(shapes.map((shape) => ({ shape })))('match tfjs moments + normalisation and its autodiff on cpu: shape $shape', async ({ shape }) => {
    registerWasmKernels();
    for (const statisticsWeight of [0, 1]) {
      const { cpu, wasm, leaked } = await onBothBackends(() => valueAndGradients(shape, statisticsWeight));
      expect(leaked).toBe(0);
      const names = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'];
      wasm.forEach((values, index) => {
        expect(values.length, names[index]).toBe(cpu[index].length);
        expect(relativeError(values, cpu[index]), `${names[index]} (statistics weight ${statisticsWeight})`).toBeLessThan(1e-4);
      });
    }
  });

  it('updates both moving averages in one kernel as tfjs-layers does', async () => {
    registerWasmKernels();
    const compute = (): number[][] => {
      const movingMean = tf.randomUniform([7], -1, 1, 'float32', 1);
      const movingVariance = tf.randomUniform([7], 0, 2, 'float32', 2);
      const mean = tf.randomUniform([7], -1, 1, 'float32', 3);
      const variance = tf.randomUniform([7], 0, 2, 'float32', 4);
      if (tf.getBackend() === 'wasm') {
        const outputs = tf.engine().runKernel<tf.Tensor[]>(ADVBENCH_MOVING_AVERAGES, { movingMean, movingVariance, mean, variance }, { momentum: 0.9 });
        return outputs.map((tensor) => Array.from(tensor.dataSync()));
      }
      return [[movingMean, mean], [movingVariance, variance]].map(([moving, batch]) => Array.from(tf.sub(moving, tf.mul(tf.sub(moving, batch), 1 - 0.9)).dataSync()));
    };
    const { cpu, wasm, leaked } = await onBothBackends(compute);
    expect(leaked).toBe(0);
    wasm.forEach((values, index) => expect(relativeError(values, cpu[index])).toBeLessThan(1e-6));
  });
});
