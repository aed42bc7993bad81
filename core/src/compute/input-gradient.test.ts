import { describe, it, expect } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor4D } from '../plugin-api/index.js';
import { createRandom } from '../random/seeded-random.js';
import { buildBenchResnet } from '../models/zoo/bench-resnet.js';
import { selectBackend } from './select-backend.js';
import { createInputGradient } from './input-gradient.js';

function batch(): { x: Tensor4D; y: Tensor1D } {
  const rng = createRandom(4);
  const x = tf.tensor4d(Float32Array.from({ length: 3 * 9 * 9 * 2 }, () => rng.next()), [3, 9, 9, 2]) as Tensor4D;
  const y = tf.tensor1d([1, 4, 7], 'int32') as Tensor1D;
  return { x, y };
}

function gradientValues(): Float32Array {
  const model = buildBenchResnet({ width: 3, inputShape: [9, 9, 2], classes: 10, seed: 8 });
  const { x, y } = batch();
  const gradient = createInputGradient(tf, model)(x, y);
  const values = gradient.dataSync() as Float32Array;
  tf.dispose([gradient, x, y]);
  model.dispose();
  return values;
}

describe('createInputGradient', () => {
  it('runs no filter-gradient kernel (only what PGD needs), while training does', async () => {
    await selectBackend('wasm');
    const model = buildBenchResnet({ width: 2, inputShape: [8, 8, 1], classes: 10, seed: 1 });
    const x = tf.randomUniform([2, 8, 8, 1]) as Tensor4D;
    const y = tf.tensor1d([0, 3], 'int32') as Tensor1D;
    const gradientOf = createInputGradient(tf, model);
    const attack = await tf.profile(() => gradientOf(x, y).dispose());
    const attackKernels = new Set(attack.kernels.map((kernel) => kernel.name));
    expect(attackKernels.has('Conv2DBackpropInput')).toBe(true);
    expect(attackKernels.has('Conv2DBackpropFilter')).toBe(false);
    const training = await tf.profile(() => {
      const { grads } = tf.variableGrads(() => tf.sum(model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar);
      tf.dispose(grads);
    });
    expect(training.kernels.some((kernel) => kernel.name === 'Conv2DBackpropFilter')).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('gives the same input gradient on wasm as on cpu (relative error < 1e-4)', async () => {
    await selectBackend('cpu');
    const expected = gradientValues();
    await selectBackend('wasm');
    const actual = gradientValues();
    let difference = 0;
    let scale = 0;
    expected.forEach((value, index) => {
      difference = Math.max(difference, Math.abs(value - actual[index]));
      scale = Math.max(scale, Math.abs(value));
    });
    expect(scale).toBeGreaterThan(0);
    expect(difference / scale).toBeLessThan(1e-4);
  });
});
