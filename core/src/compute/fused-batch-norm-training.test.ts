import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select-backend.js';
import { batchNormTraining } from './fused-batch-norm-training.js';

/** Values and gradients of sum(r * bn(x)) w.r.t. x, gamma, beta, through `normalize`. */
function valueAndGradients(normalize: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor): number[][] {
  return tf.tidy(() => {
    const x = tf.randomUniform([3, 5, 4, 6], -1, 2, 'float32', 1);
    const r = tf.randomUniform([3, 5, 4, 6], -1, 1, 'float32', 2);
    const gamma = tf.randomUniform([6], 0.5, 1.5, 'float32', 3);
    const beta = tf.randomUniform([6], -1, 1, 'float32', 4);
    const loss = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(r, normalize(a, b, c)));
    const { value, grads } = tf.valueAndGrads(loss)([x, gamma, beta]);
    return [[value.dataSync()[0]], ...grads.map((grad) => Array.from(grad.dataSync()))];
  });
}

describe('batchNormTraining', () => {
  it.each(['wasm', 'cpu'] as const)('equals moments + batchNorm and their autodiff gradients (%s)', async (backend) => {
    await selectBackend(backend);
    const fused = valueAndGradients((x, gamma, beta) => batchNormTraining(x, gamma, beta, 1e-5).output);
    const stock = valueAndGradients((x, gamma, beta) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
    });
    fused.forEach((values, index) => {
      const reference = stock[index];
      const scale = Math.max(...reference.map(Math.abs));
      const difference = Math.max(...values.map((value, position) => Math.abs(value - reference[position])));
      expect(difference / scale).toBeLessThan(1e-4);
    });
  });

  it('returns the batch mean and biased variance', async () => {
    await selectBackend('wasm');
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 10], [3, 20], [5, 60]]);
      const { mean, variance } = batchNormTraining(x, tf.ones([2]), tf.zeros([2]), 1e-5);
      expect(Array.from(mean.dataSync())).toEqual([3, 30]);
      const expected = [8 / 3, (400 + 100 + 900) / 3];
      Array.from(variance.dataSync()).forEach((value, index) => expect(value).toBeCloseTo(expected[index], 3));
    });
  });
});
