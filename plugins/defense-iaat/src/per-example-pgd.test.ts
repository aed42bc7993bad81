import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { Tensor2D, Tensor4D } from '@advbench/core/plugin-api';
import { perExamplePgd } from './per-example-pgd.js';

describe('perExamplePgd', () => {
  it('keeps every example inside its own ball and [0, 1], moves each toward the wrong class, and leaves no tensors', async () => {
    await tf.setBackend('cpu');
    // A linear two-class model on 2x2 grey images: class 1 scores the mean pixel, class 0 its negation.
    const logits = (x: Tensor4D): Tensor2D =>
      tf.tidy(() => {
        const mean = tf.mean(tf.reshape(x, [x.shape[0], -1]), 1, true);
        return tf.concat([tf.neg(mean), mean], 1) as Tensor2D;
      });
    const x = tf.tensor4d([0.5, 0.5, 0.5, 0.5, 0.2, 0.2, 0.2, 0.2, 0.9, 0.9, 0.9, 0.9], [3, 2, 2, 1]);
    const y = tf.tensor1d([1, 1, 0], 'int32');
    const radii = Float32Array.from([0.1, 0, 0.3]);
    const before = tf.memory().numTensors;
    const adversarial = perExamplePgd({ tf, logits, x, y, classes: 2, radii, steps: 5, minimumStepSize: 0.01, seed: 3 });
    expect(tf.memory().numTensors).toBe(before + 1);
    const values = Array.from(await adversarial.data());
    const clean = Array.from(await x.data());
    values.forEach((value, index) => {
      const example = Math.floor(index / 4);
      expect(Math.abs(value - clean[index])).toBeLessThanOrEqual(radii[example] + 1e-6);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    });
    // Label 1 wants a low mean: pushed down to the edge of its ball; radius 0 stays clean; label 0 pushed up to 1.
    expect(values.slice(0, 4).every((value) => Math.abs(value - 0.4) < 1e-5)).toBe(true);
    expect(values.slice(4, 8)).toEqual(clean.slice(4, 8));
    expect(values.slice(8, 12).every((value) => Math.abs(value - 1) < 1e-5)).toBe(true);
    tf.dispose([adversarial, x, y]);
  });
});
