import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select-backend.js';
import { useBroadcastBatchNormGradient } from './batch-norm-gradient.js';

/** Gradients of sum(r * batchNorm(...)) w.r.t. x, mean, variance, offset, scale, through `normalize`. */
function gradients(normalize: (x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor, scale: tf.Tensor) => tf.Tensor): number[][] {
  return tf.tidy(() => {
    const x = tf.randomUniform([3, 5, 4, 6], -1, 1, 'float32', 1);
    const r = tf.randomUniform([3, 5, 4, 6], -1, 1, 'float32', 2);
    const mean = tf.randomUniform([6], -0.5, 0.5, 'float32', 3);
    const variance = tf.randomUniform([6], 0.5, 2, 'float32', 4);
    const offset = tf.randomUniform([6], -1, 1, 'float32', 5);
    const scale = tf.randomUniform([6], 0.5, 1.5, 'float32', 6);
    const grads = tf.grads((a, b, c, d, e) => tf.sum(tf.mul(r, normalize(a, b, c, d, e))))([x, mean, variance, offset, scale]);
    return grads.map((grad) => Array.from(grad.dataSync()));
  });
}

describe('broadcast FusedBatchNorm gradient', () => {
  it('equals the gradient of the same normalisation written with elementary ops', async () => {
    await selectBackend('wasm');
    useBroadcastBatchNormGradient();
    const fused = gradients((x, mean, variance, offset, scale) => tf.batchNorm(x, mean, variance, offset, scale, 1e-5));
    const elementary = gradients((x, mean, variance, offset, scale) =>
      tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5))), scale), offset));
    fused.forEach((values, input) => {
      const reference = elementary[input];
      const scaleOf = Math.max(...reference.map(Math.abs));
      const difference = Math.max(...values.map((value, index) => Math.abs(value - reference[index])));
      expect(difference / scaleOf).toBeLessThan(1e-4);
    });
  });
});
